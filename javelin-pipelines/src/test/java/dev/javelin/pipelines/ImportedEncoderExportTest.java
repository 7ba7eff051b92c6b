package dev.javelin.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.javelin.engine.Encoder;
import dev.javelin.engine.Pooling;
import dev.javelin.io.safetensors.SafeTensors;
import dev.javelin.io.source.PoolingConfig;
import dev.javelin.onnx.ImportedEncoder;
import dev.javelin.onnx.OnnxConverter;
import dev.javelin.onnx.OnnxGraph;
import dev.javelin.onnx.SentenceTransformerModules;
import dev.javelin.tokenizers.Encoding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * DistilBERT and RoBERTa exports as Hugging Face optimum makes them (input_ids and attention_mask
 * only; tools/fixtures/encoder_exports.py) converted by the importer: the checkpoint comes back
 * tensor for tensor under the family's own names, and the converted model run through the engine
 * agrees with ONNX Runtime on the export (the real-model parity tolerances).
 */
class ImportedEncoderExportTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource({"distilbert,DISTILBERT,distilbert,DistilBertModel,-1", "roberta,ROBERTA,roberta,RobertaModel,1"})
    void convertsTheExportBackToItsCheckpoint(String name, ImportedEncoder.Family family, String modelType, String architecture,
                                             int paddingIdx) throws Exception {
        Path fixture = ArchitecturesThroughTheEngineTest.fixture(name), out = tmp.resolve(name);
        ImportedEncoder enc = OnnxConverter.convert(OnnxGraph.read(fixture.resolve("model.onnx")), fixture.resolve("tokenizer.json"), out,
                SentenceTransformerModules.of(PoolingConfig.Mode.MEAN, false));
        assertThat(enc.family()).isEqualTo(family);
        assertThat(enc.paddingIdx()).isEqualTo(paddingIdx);

        JsonNode config = JSON.readTree(out.resolve("config.json").toFile()), original = JSON.readTree(fixture.resolve("config.json").toFile());
        assertThat(config.get("model_type").asText()).isEqualTo(modelType);
        assertThat(config.get("architectures").get(0).asText()).isEqualTo(architecture);
        for (String key : List.of("vocab_size", "dim", "n_layers", "n_heads", "hidden_dim", "hidden_size", "num_hidden_layers",
                "num_attention_heads", "intermediate_size", "max_position_embeddings", "type_vocab_size", "pad_token_id", "layer_norm_eps")) {
            assertThat(config.path(key)).as(key).isEqualTo(original.path(key));
        }
        try (SafeTensors converted = SafeTensors.open(out.resolve("model.safetensors"));
             SafeTensors checkpoint = SafeTensors.open(fixture.resolve("model.safetensors"))) {
            assertThat(converted.names()).containsExactlyInAnyOrderElementsOf(checkpoint.names());
            for (String tensor : checkpoint.names()) {
                assertThat(converted.tensor(tensor).shape()).as(tensor).containsExactly(checkpoint.tensor(tensor).shape());
                assertThat(converted.tensor(tensor).toArray()).as(tensor).containsExactly(checkpoint.tensor(tensor).toArray());
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"distilbert", "roberta"})
    void theConvertedModelEmbedsAsOnnxRuntimeRunsTheExport(String name) throws Exception {
        Path fixture = ArchitecturesThroughTheEngineTest.fixture(name), out = tmp.resolve(name);
        OnnxConverter.convert(OnnxGraph.read(fixture.resolve("model.onnx")), fixture.resolve("tokenizer.json"), out,
                SentenceTransformerModules.of(PoolingConfig.Mode.MEAN, false));
        assertEmbedsAsOnnxRuntime(out, fixture.resolve("model.onnx"), name);
    }

    /**
     * A RoBERTa-family graph cannot say whether it is RoBERTa or XLM-R (the same modules and names);
     * the tokenizer can: XLM-R's is a SentencePiece Unigram model. The RoBERTa export with a Unigram
     * tokenizer laid out as XLM-R's (Metaspace, the same special ids) becomes an XLM-R checkpoint that
     * the engine loads, tokenizes with Unigram and runs as ORT runs the export.
     */
    @Test
    void aRobertaExportWithAUnigramTokenizerBecomesXlmRoberta() throws Exception {
        Path fixture = ArchitecturesThroughTheEngineTest.fixture("roberta"), out = tmp.resolve("xlm-roberta");
        ObjectNode tokenizer = (ObjectNode) JSON.readTree(fixture.resolve("tokenizer.json").toFile());
        ObjectNode metaspace = JSON.createObjectNode().put("type", "Metaspace").put("replacement", "\u2581")
                .put("prepend_scheme", "always").put("split", true);
        tokenizer.set("pre_tokenizer", metaspace);
        tokenizer.set("decoder", metaspace);
        ObjectNode model = JSON.createObjectNode().put("type", "Unigram").put("unk_id", 3).put("byte_fallback", false);
        ArrayNode vocab = model.putArray("vocab");
        for (String special : List.of("<s>", "<pad>", "</s>", "<unk>")) vocab.addArray().add(special).add(0.0);
        for (String word : List.of("the", "quick", "brown", "fox", "hello", "world", "is", "what")) vocab.addArray().add("\u2581" + word).add(-4.0);
        for (char c = 'a'; c <= 'z'; c++) {
            vocab.addArray().add("\u2581" + c).add(-9.0);
            vocab.addArray().add(String.valueOf(c)).add(-8.0);
        }
        tokenizer.set("model", model);
        Path unigram = tmp.resolve("unigram-tokenizer.json");
        JSON.writeValue(unigram.toFile(), tokenizer);

        OnnxConverter.convert(OnnxGraph.read(fixture.resolve("model.onnx")), unigram, out, SentenceTransformerModules.of(PoolingConfig.Mode.MEAN, false));
        JsonNode config = JSON.readTree(out.resolve("config.json").toFile());
        assertThat(config.get("model_type").asText()).isEqualTo("xlm-roberta");
        assertThat(config.get("architectures").get(0).asText()).isEqualTo("XLMRobertaModel");
        assertEmbedsAsOnnxRuntime(out, fixture.resolve("model.onnx"), "xlm-roberta");
    }

    private static void assertEmbedsAsOnnxRuntime(Path converted, Path onnx, String name) throws Exception {
        try (Encoder encoder = Encoder.load(converted, name);
             OrtReference ort = new OrtReference(Files.readAllBytes(onnx))) {
            List<Encoding> batch = new ArrayList<>(encoder.tokenizer().encodeBatch(List.of("hello world", "a",
                    "the quick brown fox jumps over the lazy dog and this is a test of a rather longer text")));
            batch.add(encoder.tokenizer().encode("what is a fox", "the quick brown fox"));
            float[][][] hidden = encoder.embedAll(batch), reference = ort.run(batch, "last_hidden_state");
            float[][] pooled = encoder.embed(batch, Pooling.MEAN);
            double maxAbs = 0, minCos = 1;
            for (int s = 0; s < batch.size(); s++) {
                int n = batch.get(s).length();
                float[] mean = new float[reference[s][0].length];
                for (int t = 0; t < n; t++) {
                    maxAbs = Math.max(maxAbs, Parity.maxAbsDiff(hidden[s][t], reference[s][t]));
                    for (int i = 0; i < mean.length; i++) mean[i] += reference[s][t][i] / n;
                }
                minCos = Math.min(minCos, Parity.cosine(pooled[s], mean));
            }
            Parity.log(name + " export converted, lengths " + batch.stream().map(Encoding::length).toList(), maxAbs, minCos);
            assertThat(maxAbs).isLessThanOrEqualTo(RealModelParityTest.MAX_ABS);
            assertThat(minCos).isGreaterThanOrEqualTo(RealModelParityTest.MIN_COSINE);
        }
    }
}
