package dev.javelin.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.javelin.io.safetensors.SafeTensorsWriter;
import dev.javelin.io.source.PoolingConfig;
import dev.javelin.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Turns a BERT, DistilBERT or RoBERTa/XLM-R ONNX export into a Hugging Face model directory that sentence-transformers,
 * transformers and Javelin all load: {@code config.json} inferred from the graph,
 * {@code model.safetensors} under Hugging Face names, the {@code tokenizer.json}, and the
 * sentence-transformers pooling modules.
 *
 * <p>The sentence-transformers modules are not part of an ONNX encoder export (its output is the
 * last hidden state), so the caller states them ({@link SentenceTransformerModules}).
 */
public final class OnnxConverter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private OnnxConverter() {}

    /**
     * Converts {@code graph} into the directory {@code out}, which must not exist or be empty. The
     * files are written into a temporary sibling and moved into place in one rename, so a reader
     * never sees half a model and two converters racing for the same target leave one complete copy;
     * a converter that was killed leaves nothing the next one does not delete ({@link StagingDirectory}).
     */
    public static ImportedEncoder convert(OnnxGraph graph, Path tokenizerJson, Path out, SentenceTransformerModules modules)
            throws IOException {
        return convert(graph, tokenizerJson, out, modules, false);
    }

    /**
     * {@link #convert(OnnxGraph, Path, Path, SentenceTransformerModules)}; for a dynamic-quantization
     * export, {@code dynamicActivations} also records its activation quantization in config.json, so
     * that Javelin reproduces ONNX Runtime's products (else the int8 weights run on F32 activations).
     */
    public static ImportedEncoder convert(OnnxGraph graph, Path tokenizerJson, Path out, SentenceTransformerModules modules,
            boolean dynamicActivations) throws IOException {
        ImportedEncoder enc = BertGraphImporter.importEncoder(graph);
        if (dynamicActivations && enc.weights().stream().noneMatch(EncoderWeight::quantized)) {
            throw new IOException(graph.source() + " has no quantized weights; dynamic activation quantization applies to MatMulInteger exports");
        }
        JsonNode tokenizer = readTokenizer(tokenizerJson, enc);
        try (StagingDirectory staging = StagingDirectory.beside(out)) {
            Path tmp = staging.path();
            writeSafetensors(graph, enc, tmp.resolve("model.safetensors"));
            writeConfig(enc, tokenizer, tmp.resolve("config.json"), dynamicActivations);
            Files.copy(tokenizerJson, tmp.resolve("tokenizer.json"));
            writeSentenceTransformers(enc, tokenizer, modules, tmp);
            makeReadable(tmp);
            publish(tmp, out);
        }
        return enc;
    }

    private static JsonNode readTokenizer(Path tokenizerJson, ImportedEncoder enc) throws IOException {
        JsonNode tok;
        try {
            tok = JSON.readTree(tokenizerJson.toFile());
        } catch (IOException e) {
            throw new IOException(tokenizerJson + ": not a readable tokenizer.json: " + e.getMessage(), e);
        }
        JsonNode vocab = tok.path("model").path("vocab");
        if (!vocab.isObject() && !vocab.isArray()) throw new IOException(tokenizerJson + ": no model.vocab; is this a tokenizer.json?");
        if (vocab.size() > enc.vocabSize()) {
            throw new IOException(tokenizerJson + ": vocabulary of " + vocab.size() + " tokens does not fit the model's "
                    + enc.vocabSize() + " embeddings; tokenizer and model do not belong together");
        }
        return tok;
    }

    private static void writeSafetensors(OnnxGraph graph, ImportedEncoder enc, Path file) throws IOException {
        SafeTensorsWriter writer = new SafeTensorsWriter();
        try (Arena arena = Arena.ofConfined()) {
            for (EncoderWeight w : enc.weights()) {
                if (w.quantized()) {
                    QuantizedImport.write(graph, w, writer, arena);
                    continue;
                }
                long[] whole = OnnxGraph.dims(w.initializer());
                int[] stored = new int[whole.length];
                for (int i = 0; i < whole.length; i++) stored[i] = Math.toIntExact(whole[i]);
                Tensor t = Tensor.wrap(MemorySegment.ofBuffer(graph.floatBytes(w.initializer())), stored);
                if (w.part() != null) {
                    int last = stored.length - 1, width = w.storedShape()[last];
                    t = t.slice(last, w.part().index() * width, (w.part().index() + 1) * width);
                }
                // The writer lays a transposed view out row-major: the PyTorch [out, in] layout.
                writer.add(w.hfName(), w.transpose() ? t.t() : t);
            }
            writer.metadata("format", "pt");
            writer.metadata("source", "javelin convert " + graph.source());
            writer.write(file);
        }
    }

    private static void writeConfig(ImportedEncoder enc, JsonNode tokenizer, Path file, boolean dynamicActivations) throws IOException {
        Map<String, Object> c = enc.family() == ImportedEncoder.Family.DISTILBERT ? distilBertConfig(enc, tokenizer) : bertConfig(enc, tokenizer);
        c.put("torch_dtype", "float32");
        List<String> int8 = enc.weights().stream().filter(EncoderWeight::quantized).map(EncoderWeight::hfName).toList();
        if (!int8.isEmpty()) c.put("quantization_config", QuantizedImport.config(int8, dynamicActivations));
        JSON.writeValue(file.toFile(), c);
    }

    /**
     * BertConfig's keys, which RoBERTa and XLM-R share; a RoBERTa-family graph cannot say which of
     * the two it is, the tokenizer can: XLM-R's is a SentencePiece Unigram model, RoBERTa's byte-level BPE.
     */
    private static Map<String, Object> bertConfig(ImportedEncoder enc, JsonNode tokenizer) {
        Map<String, Object> c = new LinkedHashMap<>();
        boolean roberta = enc.family() == ImportedEncoder.Family.ROBERTA;
        boolean xlmr = roberta && tokenizer.path("model").path("type").asText().equals("Unigram");
        c.put("architectures", List.of(xlmr ? "XLMRobertaModel" : roberta ? "RobertaModel" : "BertModel"));
        c.put("model_type", xlmr ? "xlm-roberta" : roberta ? "roberta" : "bert");
        c.put("vocab_size", enc.vocabSize());
        c.put("hidden_size", enc.hiddenSize());
        c.put("num_hidden_layers", enc.numHiddenLayers());
        c.put("num_attention_heads", enc.numAttentionHeads());
        c.put("intermediate_size", enc.intermediateSize());
        c.put("hidden_act", enc.hiddenAct());
        c.put("hidden_dropout_prob", 0.1);
        c.put("attention_probs_dropout_prob", 0.1);
        c.put("max_position_embeddings", enc.maxPositionEmbeddings());
        c.put("type_vocab_size", enc.typeVocabSize());
        c.put("initializer_range", 0.02);
        c.put("layer_norm_eps", enc.layerNormEps());
        c.put("pad_token_id", roberta ? enc.paddingIdx() : padTokenId(tokenizer));
        c.put("position_embedding_type", "absolute");
        return c;
    }

    /** DistilBertConfig's keys (LayerNorm eps is fixed at 1e-12 there; the importer checked it). */
    private static Map<String, Object> distilBertConfig(ImportedEncoder enc, JsonNode tokenizer) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("architectures", List.of("DistilBertModel"));
        c.put("model_type", "distilbert");
        c.put("vocab_size", enc.vocabSize());
        c.put("dim", enc.hiddenSize());
        c.put("n_layers", enc.numHiddenLayers());
        c.put("n_heads", enc.numAttentionHeads());
        c.put("hidden_dim", enc.intermediateSize());
        c.put("activation", enc.hiddenAct());
        c.put("dropout", 0.1);
        c.put("attention_dropout", 0.1);
        c.put("max_position_embeddings", enc.maxPositionEmbeddings());
        c.put("sinusoidal_pos_embds", false);
        c.put("initializer_range", 0.02);
        c.put("pad_token_id", padTokenId(tokenizer));
        return c;
    }

    /** The tokenizer's padding id when it declares one, else its [PAD] token, else BERT's 0. */
    private static int padTokenId(JsonNode tokenizer) {
        JsonNode pad = tokenizer.path("padding").path("pad_id");
        if (pad.isInt()) return pad.asInt();
        JsonNode id = tokenizer.path("model").path("vocab").path("[PAD]");
        return id.isInt() ? id.asInt() : 0;
    }

    private static void writeSentenceTransformers(ImportedEncoder enc, JsonNode tokenizer, SentenceTransformerModules st, Path dir)
            throws IOException {
        PoolingConfig.Mode pooling = st.pooling();
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("word_embedding_dimension", enc.hiddenSize());
        p.put("pooling_mode_cls_token", pooling == PoolingConfig.Mode.CLS);
        p.put("pooling_mode_mean_tokens", pooling == PoolingConfig.Mode.MEAN);
        p.put("pooling_mode_max_tokens", pooling == PoolingConfig.Mode.MAX);
        p.put("pooling_mode_mean_sqrt_len_tokens", false);
        p.put("pooling_mode_weightedmean_tokens", false);
        p.put("pooling_mode_lasttoken", pooling == PoolingConfig.Mode.LAST_TOKEN);
        p.put("include_prompt", true);
        Files.createDirectories(dir.resolve("1_Pooling"));
        JSON.writeValue(dir.resolve("1_Pooling/config.json").toFile(), p);

        List<Map<String, Object>> modules = new java.util.ArrayList<>(List.of(
                module(0, "", "sentence_transformers.models.Transformer"),
                module(1, "1_Pooling", "sentence_transformers.models.Pooling")));
        if (st.normalize()) {
            modules.add(module(2, "2_Normalize", "sentence_transformers.models.Normalize"));
            Files.createDirectories(dir.resolve("2_Normalize"));
        }
        JSON.writeValue(dir.resolve("modules.json").toFile(), modules);

        JSON.writeValue(dir.resolve("sentence_bert_config.json").toFile(),
                Map.of("max_seq_length", maxSeqLength(enc, tokenizer, st), "do_lower_case", st.doLowerCase()));
    }

    /** The stated max_seq_length, else the tokenizer's truncation; never past the position table. */
    static int maxSeqLength(ImportedEncoder enc, JsonNode tokenizer, SentenceTransformerModules st) throws IOException {
        int positions = enc.usablePositions();
        if (st.maxSeqLength() > positions) {
            throw new IOException("max_seq_length " + st.maxSeqLength() + " exceeds the model's " + positions + " positions");
        }
        if (st.maxSeqLength() > 0) return st.maxSeqLength();
        JsonNode truncation = tokenizer.path("truncation").path("max_length");
        return truncation.isInt() ? Math.min(truncation.asInt(), positions) : positions;
    }

    private static Map<String, Object> module(int idx, String path, String type) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("idx", idx);
        m.put("name", String.valueOf(idx));
        m.put("path", path);
        m.put("type", type);
        return m;
    }

    /**
     * Temporary files and directories are created private (0600/0700); a model directory is meant
     * to be shared like any download, so it gets the usual 0644/0755 where the file system has
     * POSIX permissions.
     */
    private static void makeReadable(Path dir) throws IOException {
        if (!dir.getFileSystem().supportedFileAttributeViews().contains("posix")) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }

    private static void publish(Path tmp, Path out) throws IOException {
        if (Files.isDirectory(out)) {
            try (Stream<Path> s = Files.list(out)) {
                if (s.findAny().isPresent()) throw new FileAlreadyExistsException(out + " exists and is not empty");
            }
            Files.delete(out);
        } else if (Files.exists(out)) {
            throw new FileAlreadyExistsException(out + " exists and is not a directory");
        }
        try {
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + tmp + " to " + out + " atomically: " + e.getMessage(), e);
        } catch (DirectoryNotEmptyException | FileAlreadyExistsException e) {
            throw new FileAlreadyExistsException(out + " was created by someone else while converting");
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
