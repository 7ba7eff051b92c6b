package dev.javelin.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.javelin.io.safetensors.SafeTensors;
import dev.javelin.io.safetensors.SafeTensorsWriter;
import dev.javelin.io.safetensors.SafetensorsDType;
import dev.javelin.nn.Workspace;
import dev.javelin.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A quantized directory (compressed-tensors int8, or bf16) loads like any other, gives exactly what
 * quantizing on load gives, and stays close to F32.
 */
class QuantizerTest {
    private static final int V = 60, H = 64, I = 128, P = 24, LAYERS = 2;

    @TempDir
    Path tmp;

    @Test
    void int8DirectoryFollowsCompressedTensorsAndMatchesQuantizeOnLoad() throws IOException {
        Path model = writeBert(tmp.resolve("f32"));
        Path out = tmp.resolve("int8");
        Quantizer.Result r = Quantizer.write(model, WeightDType.INT8, out);
        assertThat(r.linearWeights()).isEqualTo(6 * LAYERS);
        assertThat(r.bytesAfter()).isLessThan(r.bytesBefore() * 6 / 10);
        try (SafeTensors q = SafeTensors.open(out)) {
            assertThat(q.info("encoder.layer.0.intermediate.dense.weight").dtype()).isEqualTo(SafetensorsDType.I8);
            assertThat(q.info("encoder.layer.0.intermediate.dense.weight_scale").shape()).containsExactly(I, 1);
            // the token table is int8 too, one scale per row; the small position table stays F32
            assertThat(q.info("embeddings.word_embeddings.weight").dtype()).isEqualTo(SafetensorsDType.I8);
            assertThat(q.info("embeddings.word_embeddings.weight_scale").shape()).containsExactly(V, 1);
            assertThat(q.info("embeddings.position_embeddings.weight").dtype()).isEqualTo(SafetensorsDType.F32);
        }
        String config = Files.readString(out.resolve("config.json"));
        assertThat(config).contains("\"quant_method\" : \"compressed-tensors\"", "\"format\" : \"int-quantized\"",
                "\"strategy\" : \"channel\"", "\"targets\" : [ \"Linear\" ]", "\"targets\" : [ \"embeddings.word_embeddings\" ]");
        assertThat(Files.readString(out.resolve("tokenizer.json"))).isEqualTo("{}");

        float[] stored = forward(out, WeightDType.F32), onLoad = forward(model, WeightDType.INT8), f32 = forward(model, WeightDType.F32);
        assertThat(stored).containsExactly(onLoad);
        assertThat(minRowCosine(stored, f32)).isGreaterThan(0.999);
        assertThat(stored).isNotEqualTo(f32);
    }

    @Test
    void bf16DirectoryUsesItsWeightsAsStored() throws IOException {
        Path model = writeBert(tmp.resolve("f32"));
        Path out = tmp.resolve("bf16");
        Quantizer.write(model, WeightDType.BF16, out);
        try (SafeTensors q = SafeTensors.open(out)) {
            assertThat(q.info("encoder.layer.1.attention.self.key.weight").dtype()).isEqualTo(SafetensorsDType.BF16);
        }
        float[] stored = forward(out, WeightDType.F32), onLoad = forward(model, WeightDType.BF16), f32 = forward(model, WeightDType.F32);
        assertThat(stored).containsExactly(onLoad);
        assertThat(minRowCosine(stored, f32)).isGreaterThan(0.9999);
        // asking for int8 on a bf16 checkpoint quantizes the stored bf16 values
        assertThat(minRowCosine(forward(out, WeightDType.INT8), f32)).isGreaterThan(0.999);
    }

    @Test
    void anInt8WeightWithoutScalesIsRefusedByName() throws IOException {
        Path model = writeBert(tmp.resolve("f32"));
        Path out = tmp.resolve("int8");
        Quantizer.write(model, WeightDType.INT8, out);
        try (SafeTensors q = SafeTensors.open(out)) {
            SafeTensorsWriter w = new SafeTensorsWriter();
            for (String name : q.names()) {
                if (!name.equals("encoder.layer.1.output.dense.weight_scale")) w.add(name, q.info(name).dtype(), q.info(name).shape(), copy(q.bytes(name)));
            }
            w.write(tmp.resolve("broken.safetensors"));
        }
        Files.move(tmp.resolve("broken.safetensors"), out.resolve("model.safetensors"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> Models.load(out).close()).isInstanceOf(IOException.class)
                .hasMessageContaining("no encoder.layer.1.output.dense.weight_scale");
        assertThatThrownBy(() -> Quantizer.write(model, WeightDType.INT8, out)).isInstanceOf(IOException.class)
                .hasMessageContaining("not an empty directory");
        assertThatThrownBy(() -> WeightDType.parse("int4")).hasMessageContaining("f32, bf16, int8");
    }

    private static MemorySegment copy(MemorySegment s) {
        return MemorySegment.ofArray(s.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
    }

    private static float[] forward(Path dir, WeightDType dtype) throws IOException {
        try (LoadedModel m = Models.load(dir, dtype)) {
            return m.encoder().forward(TokenBatch.of(new int[][] {{1, 2, 3, 4, 5}, {7, 8}, {9, 10, 11, 12, 13, 14, 15, 16, 17}}, null),
                    new Workspace()).toArray();
        }
    }

    private static double minRowCosine(float[] x, float[] y) {
        double min = 1;
        for (int r = 0; r < x.length / H; r++) {
            double dot = 0, nx = 0, ny = 0;
            for (int c = r * H; c < (r + 1) * H; c++) {
                dot += (double) x[c] * y[c];
                nx += (double) x[c] * x[c];
                ny += (double) y[c] * y[c];
            }
            min = Math.min(min, dot / Math.sqrt(nx * ny));
        }
        return min;
    }

    private static Path writeBert(Path dir) throws IOException {
        Files.createDirectories(dir);
        Random r = new Random(1);
        Map<String, int[]> shapes = new TreeMap<>();
        shapes.put("embeddings.word_embeddings.weight", new int[] {V, H});
        shapes.put("embeddings.position_embeddings.weight", new int[] {P, H});
        shapes.put("embeddings.token_type_embeddings.weight", new int[] {2, H});
        shapes.put("embeddings.LayerNorm.weight", new int[] {H});
        shapes.put("embeddings.LayerNorm.bias", new int[] {H});
        for (int l = 0; l < LAYERS; l++) {
            String p = "encoder.layer." + l + ".";
            for (String lin : new String[] {"attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"}) {
                shapes.put(p + lin + ".weight", new int[] {H, H});
                shapes.put(p + lin + ".bias", new int[] {H});
            }
            shapes.put(p + "intermediate.dense.weight", new int[] {I, H});
            shapes.put(p + "intermediate.dense.bias", new int[] {I});
            shapes.put(p + "output.dense.weight", new int[] {H, I});
            shapes.put(p + "output.dense.bias", new int[] {H});
            for (String ln : new String[] {"attention.output.LayerNorm", "output.LayerNorm"}) {
                shapes.put(p + ln + ".weight", new int[] {H});
                shapes.put(p + ln + ".bias", new int[] {H});
            }
        }
        try (Arena arena = Arena.ofConfined()) {
            Map<String, Tensor> t = new TreeMap<>();
            shapes.forEach((name, shape) -> {
                float[] v = new float[Math.toIntExact(Tensor.numel(shape))];
                // BERT-like magnitudes: weights ~N(0, 0.05), layer-norm gains ~1
                for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian() * 0.05f + (name.endsWith("LayerNorm.weight") ? 1 : 0);
                t.put(name, Tensor.of(arena, v, shape));
            });
            SafeTensorsWriter.write(dir.resolve("model.safetensors"), t, Map.of("format", "pt"));
        }
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"bert\", \"vocab_size\": " + V + ", \"hidden_size\": " + H
                + ", \"num_hidden_layers\": " + LAYERS + ", \"num_attention_heads\": 4, \"intermediate_size\": " + I
                + ", \"max_position_embeddings\": " + P + "}");
        Files.writeString(dir.resolve("tokenizer.json"), "{}");
        return dir;
    }
}
