package dev.javelin.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.javelin.bundled.BundledModel;
import dev.javelin.engine.Encoder;
import dev.javelin.engine.Vectors;
import dev.javelin.io.safetensors.SafeTensors;
import dev.javelin.io.safetensors.SafeTensorsWriter;
import dev.javelin.onnx.proto.Onnx.ModelProto;
import dev.javelin.onnx.proto.Onnx.TensorProto;
import dev.javelin.tensor.Tensor;
import dev.javelin.tokenizers.Encoding;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end for a SentencePiece multilingual layout: the real CamemBERT {@code tokenizer.json}
 * (Unigram, 32,005 pieces) in front of a {@code CamembertModel} checkpoint laid out as XLM-R/CamemBERT
 * are (RoBERTa names, positions from padding_idx + 1 = 2, pad id 1). The encoder weights are
 * all-MiniLM-L6-v2's with a fixed-seed 32,005-row word embedding, and the same weights run in ONNX
 * Runtime through the original export with that embedding swapped in, so the two must agree on every
 * hidden state and on the mean-pooled, normalized embeddings that {@code javelin embed} prints. The
 * model directory is left in {@code target/camembert-synthetic} for trying {@code javelin embed} on.
 */
class XlmRobertaLayoutEndToEndTest {
    private static final int VOCAB = 32005;
    private static final int PAD = 1;

    @Test
    void camembertTokenizerAndXlmRobertaLayoutMatchOnnxRuntime(@TempDir Path tmp) throws Exception {
        Path minilm = BundledModel.ALL_MINILM_L6_V2.directory(tmp);
        ModelProto onnx;
        try (InputStream in = BundledModel.ALL_MINILM_L6_V2.open(BundledModel.ALL_MINILM_L6_V2.onnxResource())) {
            onnx = ModelProto.parseFrom(in.readAllBytes());
        }
        Path tokenizer = sharedFile("tokenizers/unigram/camembert-sentiment/tokenizer.json");
        Path dir = Path.of("target", "camembert-synthetic").toAbsolutePath();
        ObjectMapper json = new ObjectMapper();
        @SuppressWarnings("unchecked")
        Map<String, Object> config = json.readValue(minilm.resolve("config.json").toFile(), LinkedHashMap.class);
        int hidden = (Integer) config.get("hidden_size");
        int positions = (Integer) config.get("max_position_embeddings");
        float[] words = new float[VOCAB * hidden];
        Random rnd = new Random(20261130L);
        for (int i = 0; i < words.length; i++) {
            words[i] = (float) rnd.nextGaussian() * 0.05f;
        }
        writeCheckpoint(minilm, dir, words, hidden, positions);
        config.put("architectures", new String[] {"CamembertModel"});
        config.put("model_type", "camembert");
        config.put("vocab_size", VOCAB);
        config.put("pad_token_id", PAD);
        config.put("bos_token_id", 5);
        config.put("eos_token_id", 6);
        config.put("max_position_embeddings", positions + PAD + 1);
        json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), config);
        Files.copy(tokenizer, dir.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(minilm.resolve("modules.json"), dir.resolve("modules.json"), StandardCopyOption.REPLACE_EXISTING);
        Files.createDirectories(dir.resolve("1_Pooling"));
        Files.copy(minilm.resolve("1_Pooling/config.json"), dir.resolve("1_Pooling/config.json"), StandardCopyOption.REPLACE_EXISTING);

        List<String> texts = List.of("Bonjour le monde", "J'ai adoré ce film, les acteurs sont formidables !",
                "Le service était lent et la nourriture froide.", "Ça coûte 12,50 € — pas cher.",
                "naïve façade Œuvre cœur Noël: Nietzsche, le génome et la déforestation", "東京 et Москва: 日本語のテキスト 😀",
                "Un texte un peu plus long, qui parle de la livraison, de l'emballage, de la couleur et du reste.");
        try (Encoder encoder = Encoder.load(dir, "camembert-synthetic");
             OrtReference ort = new OrtReference(withWordEmbeddings(onnx, words, hidden).toByteArray());
             EmbeddingsPipeline pipeline = Pipelines.embeddings(dir.toString())) {
            assertThat(encoder.info().modelType()).isEqualTo("camembert");
            List<Encoding> batch = new ArrayList<>();
            for (String t : texts) {
                batch.add(encoder.tokenizer().encode(t));
            }
            assertThat(batch.stream().flatMapToInt(e -> Arrays.stream(e.ids())).max().orElseThrow())
                    .as("pieces beyond MiniLM's 30,522 rows are used").isGreaterThanOrEqualTo(30522);
            assertThat(batch.getFirst().tokens()).containsExactly("<s>", "▁Bonjour", "▁le", "▁monde", "</s>");

            float[][][] ref = ort.run(batch, "last_hidden_state");
            float[][][] ours = encoder.embedAll(batch);
            double maxAbs = 0;
            for (int s = 0; s < batch.size(); s++) {
                for (int t = 0; t < batch.get(s).length(); t++) {
                    maxAbs = Math.max(maxAbs, Parity.maxAbsDiff(ours[s][t], ref[s][t]));
                }
            }
            Parity.log("CamemBERT tokenizer + XLM-R layout, hidden", maxAbs, Double.NaN);
            assertThat(maxAbs).isLessThanOrEqualTo(RealModelParityTest.MAX_ABS);

            float[][] embedded = pipeline.embed(texts);
            double pooledMax = 0;
            double minCos = 1;
            for (int s = 0; s < batch.size(); s++) {
                float[] expected = Vectors.normalized(meanPool(ref[s], batch.get(s)));
                pooledMax = Math.max(pooledMax, Parity.maxAbsDiff(embedded[s], expected));
                minCos = Math.min(minCos, Parity.cosine(embedded[s], expected));
                if (s == 0) {
                    System.out.printf("ORT mean-pooled, normalized \"%s\": %.6f %.6f %.6f %.6f%n", texts.get(0),
                            expected[0], expected[1], expected[2], expected[3]);
                }
            }
            Parity.log("CamemBERT tokenizer + XLM-R layout, pooled embeddings", pooledMax, minCos);
            assertThat(pooledMax).isLessThanOrEqualTo(RealModelParityTest.MAX_ABS);
        }
    }

    /** MiniLM's tensors with the new word embedding and the position table moved up by padding_idx + 1. */
    private static void writeCheckpoint(Path minilm, Path dir, float[] words, int hidden, int positions) throws Exception {
        Files.createDirectories(dir);
        int offset = PAD + 1;
        try (SafeTensors encoder = SafeTensors.open(minilm); Arena arena = Arena.ofConfined()) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (String name : encoder.names()) {
                float[] v = encoder.tensor(name).toArray();
                int[] shape = encoder.tensor(name).shape();
                if (name.equals("embeddings.word_embeddings.weight")) {
                    v = words;
                    shape = new int[] {VOCAB, hidden};
                } else if (name.equals("embeddings.position_embeddings.weight")) {
                    float[] shifted = new float[(positions + offset) * hidden];
                    System.arraycopy(v, 0, shifted, offset * hidden, v.length);
                    v = shifted;
                    shape = new int[] {positions + offset, hidden};
                }
                tensors.put(name, Tensor.of(arena, v, shape));
            }
            SafeTensorsWriter.write(dir.resolve("model.safetensors"), tensors, Map.of("format", "pt"));
        }
    }

    /** The export with its [30522, hidden] word embedding initializer replaced by {@code words}. */
    private static ModelProto withWordEmbeddings(ModelProto onnx, float[] words, int hidden) {
        ModelProto.Builder m = onnx.toBuilder();
        var graph = m.getGraphBuilder();
        ByteBuffer raw = ByteBuffer.allocate(words.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(words);
        int replaced = 0;
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            TensorProto t = graph.getInitializer(i);
            if (t.getDimsCount() == 2 && t.getDims(0) == 30522 && t.getDims(1) == hidden) {
                graph.setInitializer(i, TensorProto.newBuilder().setName(t.getName()).setDataType(t.getDataType())
                        .addDims(VOCAB).addDims(hidden).setRawData(ByteString.copyFrom(raw.array())).build());
                replaced++;
            }
        }
        assertThat(replaced).as("word embedding initializers in the export").isEqualTo(1);
        return m.build();
    }

    private static float[] meanPool(float[][] hidden, Encoding e) {
        float[] sum = new float[hidden[0].length];
        int n = 0;
        for (int t = 0; t < e.length(); t++) {
            if (e.attentionMask()[t] == 1) {
                for (int k = 0; k < sum.length; k++) {
                    sum[k] += hidden[t][k];
                }
                n++;
            }
        }
        for (int k = 0; k < sum.length; k++) {
            sum[k] /= n;
        }
        return sum;
    }

    private static Path sharedFile(String relative) {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path p = d.resolve("shared").resolve("datasets").resolve(relative);
            if (Files.exists(p)) {
                return p;
            }
        }
        throw new AssertionError("shared/datasets/" + relative + " not found above " + Path.of("").toAbsolutePath());
    }
}
