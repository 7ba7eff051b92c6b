package dev.javelin.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.javelin.io.safetensors.SafeTensorsWriter;
import dev.javelin.nn.Workspace;
import dev.javelin.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading picks the class from config and checkpoint, and a checkpoint that does not fit says which tensor. */
class ModelsTest {
    private static final int V = 50, H = 8, I = 16, P = 20, LAYERS = 2;

    @TempDir
    Path dir;

    private static Map<String, int[]> bertShapes() {
        Map<String, int[]> s = new TreeMap<>();
        s.put("embeddings.word_embeddings.weight", new int[] {V, H});
        s.put("embeddings.position_embeddings.weight", new int[] {P, H});
        s.put("embeddings.token_type_embeddings.weight", new int[] {2, H});
        s.put("embeddings.LayerNorm.weight", new int[] {H});
        s.put("embeddings.LayerNorm.bias", new int[] {H});
        for (int l = 0; l < LAYERS; l++) {
            String p = "encoder.layer." + l + ".";
            for (String lin : new String[] {"attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"}) {
                s.put(p + lin + ".weight", new int[] {H, H});
                s.put(p + lin + ".bias", new int[] {H});
            }
            s.put(p + "intermediate.dense.weight", new int[] {I, H});
            s.put(p + "intermediate.dense.bias", new int[] {I});
            s.put(p + "output.dense.weight", new int[] {H, I});
            s.put(p + "output.dense.bias", new int[] {H});
            for (String ln : new String[] {"attention.output.LayerNorm", "output.LayerNorm"}) {
                s.put(p + ln + ".weight", new int[] {H});
                s.put(p + ln + ".bias", new int[] {H});
            }
        }
        return s;
    }

    private void write(Map<String, int[]> shapes, String config) throws IOException {
        Random r = new Random(1);
        try (Arena arena = Arena.ofConfined()) {
            Map<String, Tensor> t = new TreeMap<>();
            shapes.forEach((name, shape) -> {
                float[] v = new float[Math.toIntExact(Tensor.numel(shape))];
                for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian() * 0.3f + (name.endsWith("LayerNorm.weight") ? 1 : 0);
                t.put(name, Tensor.of(arena, v, shape));
            });
            SafeTensorsWriter.write(dir.resolve("model.safetensors"), t, Map.of("format", "pt"));
        }
        Files.writeString(dir.resolve("config.json"), config);
    }

    private static String bertConfig(String extra) {
        return "{\"model_type\": \"bert\", \"vocab_size\": " + V + ", \"hidden_size\": " + H + ", \"num_hidden_layers\": " + LAYERS
                + ", \"num_attention_heads\": 2, \"intermediate_size\": " + I + ", \"max_position_embeddings\": " + P + extra + "}";
    }

    @Test
    void loadsABareBertAndRunsIt() throws IOException {
        write(bertShapes(), bertConfig(""));
        try (LoadedModel m = Models.load(dir)) {
            assertThat(m.encoder()).isInstanceOf(BertModel.class);
            assertThat(m.classifier()).isNull();
            assertThat(m.encoder().hiddenSize()).isEqualTo(H);
            assertThat(m.encoder().maxPositions()).isEqualTo(P);
            TokenBatch batch = TokenBatch.of(new int[][] {{1, 2, 3}, {4}}, null);
            Tensor out = m.encoder().forward(batch, new Workspace());
            assertThat(out.shape()).containsExactly(4, H);
            for (float x : out.toArray()) assertThat(x).isFinite();
            TokenBatch tooLong = TokenBatch.of(new int[][] {new int[P + 1]}, null);
            assertThatThrownBy(() -> m.encoder().forward(tooLong, new Workspace()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exceeds the model's " + P + " positions");
            TokenBatch badId = TokenBatch.of(new int[][] {{1, V}}, null);
            assertThatThrownBy(() -> m.encoder().forward(badId, new Workspace()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("id " + V);
        }
    }

    @Test
    void aMissingTensorIsNamed() throws IOException {
        expectFailure(s -> s.remove("encoder.layer.1.attention.self.key.bias"), bertConfig(""), "has no tensor encoder.layer.1.attention.self.key.bias");
    }

    @Test
    void aMisshapenTensorIsNamed() throws IOException {
        expectFailure(s -> s.put("encoder.layer.0.intermediate.dense.weight", new int[] {I, H + 1}), bertConfig(""),
                "encoder.layer.0.intermediate.dense.weight has shape [16, 9], the config implies [16, 8]");
    }

    @Test
    void moreLayersThanTheConfigSaysIsAnError() throws IOException {
        expectFailure(s -> s.put("encoder.layer.2.attention.self.query.weight", new int[] {H, H}), bertConfig(""),
                "more layers than num_hidden_layers = 2");
    }

    @Test
    void unsupportedSettingsAreRefused() throws IOException {
        expectFailure(s -> { }, bertConfig(", \"hidden_act\": \"gelu_new\""), "hidden_act gelu_new is not supported");
        expectFailure(s -> { }, bertConfig(", \"position_embedding_type\": \"relative_key\""), "position_embedding_type relative_key");
    }

    @Test
    void aClassifierWhoseLabelsDisagreeWithItsWeightsIsRefused() throws IOException {
        expectFailure(s -> {
            Map<String, int[]> prefixed = new TreeMap<>();
            s.forEach((k, v) -> prefixed.put("bert." + k, v));
            s.clear();
            s.putAll(prefixed);
            s.put("bert.pooler.dense.weight", new int[] {H, H});
            s.put("bert.pooler.dense.bias", new int[] {H});
            s.put("classifier.weight", new int[] {3, H});
            s.put("classifier.bias", new int[] {3});
        }, bertConfig(", \"id2label\": {\"0\": \"NO\", \"1\": \"YES\"}"), "classifier has 3 outputs but id2label names 2 labels");
    }

    private void expectFailure(Consumer<Map<String, int[]>> edit, String config, String message) throws IOException {
        Map<String, int[]> shapes = bertShapes();
        edit.accept(shapes);
        write(shapes, config);
        assertThatThrownBy(() -> Models.load(dir).close()).isInstanceOf(IOException.class).hasMessageContaining(message);
    }
}
