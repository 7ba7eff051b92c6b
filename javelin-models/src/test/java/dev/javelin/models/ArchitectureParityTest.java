package dev.javelin.models;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.javelin.nn.PackedSequences;
import dev.javelin.nn.Workspace;
import dev.javelin.tensor.Tensor;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each new architecture against its PyTorch transcription of the Hugging Face forward pass
 * (tools/fixtures/architectures.py: random weights in the checkpoint's exact layout) and against
 * ONNX Runtime on the torch.onnx export of the same module: single texts, a pair, a mixed-length
 * batch (packed here, padded there) and a long text (past ModernBERT's local window). Hidden
 * states agree to 1e-4 max abs (float32 sums in a different order through 2–3 layers of values of
 * order 1–10), pooled vectors to cosine 0.99999.
 */
class ArchitectureParityTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Path fixture(String name) {
        try {
            return Path.of(ArchitectureParityTest.class.getResource("/architectures/" + name + "/config.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mpnet", "gte", "nomic-bert", "modernbert", "qwen3", "distilbert", "roberta"})
    void matchesThePyTorchTranscriptionAndOnnxRuntime(String name) throws Exception {
        Path dir = fixture(name);
        JsonNode expected = JSON.readTree(dir.resolve("expected.json").toFile());
        String pooling = expected.get("pooling").asText();
        try (LoadedModel model = Models.load(dir);
             OrtSession ort = OrtEnvironment.getEnvironment().createSession(dir.resolve("model.onnx").toString())) {
            TokenBatch reusable = TokenBatch.reusable();
            Workspace shared = new Workspace();
            for (JsonNode c : expected.get("cases")) {
                int[][] ids = ints(c.get("ids")), types = c.get("type_ids").isNull() ? null : ints(c.get("type_ids"));
                TokenBatch batch = TokenBatch.of(ids, types);
                Tensor hidden = model.encoder().forward(batch, new Workspace());
                float[] all = rows(hidden, 0, batch.tokens());
                // the engine's way: one workspace and one reusable batch for every case, whatever its shape
                assertThat(rows(model.encoder().forward(repacked(reusable, ids, types), shared), 0, batch.tokens()))
                        .as(name + " case " + c.get("name").asText() + " over a reused workspace and batch").containsExactly(all);
                float[][][] reference = runOrt(ort, ids, types);
                PackedSequences seqs = batch.sequences();
                for (int s = 0; s < ids.length; s++) {
                    float[] want = floats(c.get("hidden").get(s));
                    float[] got = rows(hidden, seqs.start(s), seqs.end(s));
                    float[] ortRows = new float[got.length];
                    for (int t = 0; t < ids[s].length; t++) System.arraycopy(reference[s][t], 0, ortRows, t * hidden.dim(1), hidden.dim(1));
                    String what = name + " case " + c.get("name").asText() + " sequence " + s;
                    assertThat(maxAbsDiff(got, want)).as(what + " vs PyTorch").isLessThanOrEqualTo(1e-4f);
                    assertThat(maxAbsDiff(got, ortRows)).as(what + " vs ONNX Runtime").isLessThanOrEqualTo(1e-4f);
                    float[] pooled = pool(got, hidden.dim(1), pooling);
                    assertThat(cosine(pooled, floats(c.get("pooled").get(s)))).as(what + " pooled").isGreaterThanOrEqualTo(0.99999);
                }
            }
        }
    }

    /** The relative-position buckets, including every edge of the logarithmic ones, are PyTorch's exactly. */
    @Test
    void mpnetBucketsRelativePositionsAsPyTorchDoes() throws IOException {
        JsonNode buckets = JSON.readTree(fixture("mpnet").resolve("expected.json").toFile()).get("buckets");
        int from = buckets.get("from").asInt();
        JsonNode values = buckets.get("values");
        for (int i = 0; i < values.size(); i++) {
            assertThat(MPNetModel.bucket(from + i, 32, 128)).as("relative position " + (from + i)).isEqualTo(values.get(i).asInt());
        }
    }

    private static TokenBatch repacked(TokenBatch reusable, int[][] ids, int[][] types) {
        int[] lengths = new int[ids.length];
        for (int s = 0; s < ids.length; s++) lengths[s] = ids[s].length;
        TokenBatch b = reusable.repack(lengths, ids.length);
        for (int s = 0; s < ids.length; s++) {
            for (int t = 0; t < ids[s].length; t++) {
                b.ids()[b.sequences().start(s) + t] = ids[s][t];
                b.typeIds()[b.sequences().start(s) + t] = types == null ? 0 : types[s][t];
            }
        }
        return b;
    }

    private static float[][][] runOrt(OrtSession session, int[][] ids, int[][] types) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        int b = ids.length, len = 0;
        for (int[] s : ids) len = Math.max(len, s.length);
        long[] flat = new long[b * len], mask = new long[b * len], tt = new long[b * len];
        for (int s = 0; s < b; s++) {
            for (int t = 0; t < ids[s].length; t++) {
                flat[s * len + t] = ids[s][t];
                mask[s * len + t] = 1;
                tt[s * len + t] = types == null ? 0 : types[s][t];
            }
            // padding with the id HF pads with matters only for MPNet, whose positions skip padding_idx 1
            for (int t = ids[s].length; t < len; t++) flat[s * len + t] = 1;
        }
        long[] shape = {b, len};
        Map<String, OnnxTensor> feed = new HashMap<>();
        try {
            feed.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(flat), shape));
            feed.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
            if (session.getInputNames().contains("token_type_ids")) feed.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(tt), shape));
            try (OrtSession.Result r = session.run(feed, Set.of("last_hidden_state"))) {
                OnnxTensor out = (OnnxTensor) r.get("last_hidden_state").orElseThrow();
                int width = (int) out.getInfo().getShape()[2];
                FloatBuffer fb = out.getFloatBuffer();
                float[][][] result = new float[b][len][width];
                for (int s = 0; s < b; s++) for (int t = 0; t < len; t++) fb.get((s * len + t) * width, result[s][t]);
                return result;
            }
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    static float[] pool(float[] rows, int h, String mode) {
        int n = rows.length / h;
        float[] out = new float[h];
        switch (mode) {
            case "cls" -> System.arraycopy(rows, 0, out, 0, h);
            case "lasttoken" -> System.arraycopy(rows, (n - 1) * h, out, 0, h);
            default -> {
                for (int t = 0; t < n; t++) for (int i = 0; i < h; i++) out[i] += rows[t * h + i] / n;
            }
        }
        return out;
    }

    static float[] rows(Tensor hidden, int from, int to) {
        return hidden.slice(0, from, to).toArray();
    }

    static int[][] ints(JsonNode n) {
        int[][] out = new int[n.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new int[n.get(i).size()];
            for (int j = 0; j < out[i].length; j++) out[i][j] = n.get(i).get(j).asInt();
        }
        return out;
    }

    static float[] floats(JsonNode n) {
        float[] out = new float[n.size()];
        for (int i = 0; i < out.length; i++) out[i] = (float) n.get(i).asDouble();
        return out;
    }

    static float maxAbsDiff(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        float max = 0;
        for (int i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
        return max;
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
