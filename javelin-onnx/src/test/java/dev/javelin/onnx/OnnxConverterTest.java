package dev.javelin.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.javelin.io.safetensors.SafeTensors;
import dev.javelin.io.source.PoolingConfig;
import dev.javelin.onnx.proto.Onnx.TensorProto;
import dev.javelin.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxConverterTest {
    private static OnnxGraph graph;
    private static Path tokenizer;
    @TempDir
    static Path tmp;

    @BeforeAll
    static void load() throws IOException {
        graph = BertGraphImporterTest.load("all-minilm-l6-v2.onnx");
        tokenizer = tmp.resolve("tokenizer.json");
        try (InputStream in = OnnxConverterTest.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
            Files.copy(in, tokenizer);
        }
    }

    @Test
    void writesAHuggingFaceDirectory() throws IOException {
        Path out = tmp.resolve("minilm");
        OnnxConverter.convert(graph, tokenizer, out, SentenceTransformerModules.of(PoolingConfig.Mode.MEAN, true));

        ObjectMapper json = new ObjectMapper();
        JsonNode config = json.readTree(out.resolve("config.json").toFile());
        assertThat(config.get("model_type").asText()).isEqualTo("bert");
        assertThat(config.get("num_hidden_layers").asInt()).isEqualTo(6);
        assertThat(config.get("num_attention_heads").asInt()).isEqualTo(12);
        assertThat(config.get("layer_norm_eps").asDouble()).isEqualTo(1e-12);
        assertThat(config.get("hidden_act").asText()).isEqualTo("gelu");
        assertThat(Files.readString(out.resolve("tokenizer.json"))).isEqualTo(Files.readString(tokenizer));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rwxr-xr-x");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("model.safetensors")))).isEqualTo("rw-r--r--");
        JsonNode pooling = json.readTree(out.resolve("1_Pooling/config.json").toFile());
        assertThat(pooling.get("pooling_mode_mean_tokens").asBoolean()).isTrue();
        assertThat(pooling.get("pooling_mode_cls_token").asBoolean()).isFalse();
        JsonNode modules = json.readTree(out.resolve("modules.json").toFile());
        assertThat(modules).hasSize(3);
        assertThat(modules.get(2).get("type").asText()).isEqualTo("sentence_transformers.models.Normalize");
        assertThat(json.readTree(out.resolve("sentence_bert_config.json").toFile()).get("max_seq_length").asInt()).isEqualTo(128);
        PoolingConfig read = PoolingConfig.load(out);
        assertThat(read.mode()).isEqualTo(PoolingConfig.Mode.MEAN);
        assertThat(read.normalize()).isTrue();
        assertThat(read.wordEmbeddingDimension()).isEqualTo(384);

        try (SafeTensors st = SafeTensors.open(out)) {
            assertThat(st.names()).hasSize(5 + 16 * 6).contains("encoder.layer.5.output.dense.weight");
            // A renamed weight lands transposed: HF[out][in] = ONNX[in][out].
            String onnxName = graph.nodes().stream().filter(n -> n.getName().equals("/encoder/layer.2/intermediate/dense/MatMul"))
                    .findFirst().map(n -> n.getInput(1)).orElseThrow();
            TensorProto w = graph.initializers().get(onnxName);
            ByteBuffer raw = graph.floatBytes(w);
            Tensor hf = st.tensor("encoder.layer.2.intermediate.dense.weight");
            assertThat(hf.shape()).containsExactly(1536, 384);
            for (int[] at : new int[][] {{0, 0}, {1535, 383}, {7, 300}, {1000, 5}}) {
                assertThat(hf.get(at[0], at[1])).isEqualTo(raw.getFloat((at[1] * 1536 + at[0]) * Float.BYTES));
            }
            assertThat(st.tensor("embeddings.LayerNorm.bias").toArray())
                    .containsExactly(toFloats(graph.floatBytes(graph.initializers().get("embeddings.LayerNorm.bias"))));
        }
    }

    @Test
    void aStatedMaxSeqLengthWinsOverTheTokenizersTruncation() throws IOException {
        Path out = tmp.resolve("minilm-256");
        OnnxConverter.convert(graph, tokenizer, out, new SentenceTransformerModules(PoolingConfig.Mode.MEAN, true, 256, false));
        JsonNode st = new ObjectMapper().readTree(out.resolve("sentence_bert_config.json").toFile());
        assertThat(st.get("max_seq_length").asInt()).isEqualTo(256);
        assertThat(st.get("do_lower_case").asBoolean()).isFalse();
        Path tooLong = tmp.resolve("minilm-600");
        assertThatThrownBy(() -> OnnxConverter.convert(graph, tokenizer, tooLong,
                new SentenceTransformerModules(PoolingConfig.Mode.MEAN, true, 600, false)))
                .isInstanceOf(IOException.class).hasMessageContaining("max_seq_length 600 exceeds the model's 512 positions");
        assertThat(tooLong).doesNotExist();
    }

    @Test
    void refusesToOverwriteAndLeavesNoTemporaryFiles() throws IOException {
        Path out = tmp.resolve("taken");
        Files.createDirectories(out);
        Files.writeString(out.resolve("keep.txt"), "mine");
        assertThatThrownBy(() -> OnnxConverter.convert(graph, tokenizer, out, SentenceTransformerModules.of(PoolingConfig.Mode.CLS, false)))
                .isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining("not empty");
        assertThat(Files.readString(out.resolve("keep.txt"))).isEqualTo("mine");
        try (var s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".tmp-"));
        }
    }

    @Test
    void aTokenizerThatDoesNotFitIsRejected() throws IOException {
        Path bogus = tmp.resolve("bogus.json");
        Files.writeString(bogus, "{\"model\": {}}");
        assertThatThrownBy(() -> OnnxConverter.convert(graph, bogus, tmp.resolve("x"), SentenceTransformerModules.of(PoolingConfig.Mode.MEAN, true)))
                .isInstanceOf(IOException.class).hasMessageContaining("no model.vocab");
    }

    private static float[] toFloats(ByteBuffer b) {
        float[] f = new float[b.remaining() / 4];
        for (int i = 0; i < f.length; i++) f[i] = b.getFloat(i * 4);
        return f;
    }

}
