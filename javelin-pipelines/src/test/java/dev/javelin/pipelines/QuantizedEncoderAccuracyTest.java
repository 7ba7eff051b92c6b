package dev.javelin.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import dev.javelin.bundled.BundledModel;
import dev.javelin.engine.Encoder;
import dev.javelin.models.WeightDType;
import dev.javelin.tokenizers.Encoding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The CI subset of the quantization measurement (the full one, 2,000 sentences on all three real
 * encoders, is {@code javelin bench quantization}, docs/quantization.md): all-MiniLM-L6-v2 with int8
 * and bf16 weights against F32 on 300 SST-2 dev sentences. Quantization can fail silently (a model
 * that still returns vectors, just wrong ones), so the thresholds are those the issue sets for the
 * mean, and the minimum must stay close too.
 */
class QuantizedEncoderAccuracyTest {

    @Test
    void int8AndBf16EmbeddingsStayCloseToF32() throws IOException {
        List<String> texts = sst2Dev(300);
        BundledModel bundled = BundledModel.ALL_MINILM_L6_V2;
        float[][] f32 = embed(bundled, WeightDType.F32, texts);
        float[][] int8 = embed(bundled, WeightDType.INT8, texts);
        float[][] bf16 = embed(bundled, WeightDType.BF16, texts);
        double[] int8Cos = cosines(int8, f32), bf16Cos = cosines(bf16, f32);
        System.out.printf("all-MiniLM-L6-v2, %d SST-2 dev sentences: int8 mean %.6f min %.6f; bf16 mean %.6f min %.6f%n",
                texts.size(), mean(int8Cos), min(int8Cos), mean(bf16Cos), min(bf16Cos));
        assertThat(mean(int8Cos)).isGreaterThanOrEqualTo(0.995);
        assertThat(min(int8Cos)).isGreaterThanOrEqualTo(0.99);
        assertThat(mean(bf16Cos)).isGreaterThanOrEqualTo(0.9999);
        assertThat(min(bf16Cos)).isGreaterThanOrEqualTo(0.9995);
        // and they really are other weights: a loader that ignored the dtype would give cosine 1 exactly
        assertThat(mean(int8Cos)).isLessThan(0.999999);
        assertThat(mean(bf16Cos)).isLessThan(1.0);
    }

    private static float[][] embed(BundledModel bundled, WeightDType dtype, List<String> texts) throws IOException {
        try (Encoder enc = Encoder.load(bundled.directory(), bundled.modelId(), dtype)) {
            List<Encoding> encodings = texts.stream().map(t -> enc.tokenizer().encode(t)).toList();
            float[][] out = new float[texts.size()][];
            for (int i = 0; i < texts.size(); i += 50) {
                float[][] part = enc.embed(encodings.subList(i, Math.min(texts.size(), i + 50)));
                System.arraycopy(part, 0, out, i, part.length);
            }
            return out;
        }
    }

    /** SST-2 dev sentences (label, sentence), from shared/datasets in this directory or a parent (CI: the clone's). */
    static List<String> sst2Dev(int n) throws IOException {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path file = dir.resolve("shared/datasets/sst2/dev.tsv");
            if (Files.isRegularFile(file)) {
                List<String> lines = Files.readAllLines(file);
                List<String> texts = new ArrayList<>();
                for (String line : lines.subList(1, Math.min(n + 1, lines.size()))) texts.add(line.substring(line.indexOf('\t') + 1));
                return texts;
            }
        }
        throw new IOException("shared/datasets/sst2/dev.tsv is in no parent of " + Path.of("").toAbsolutePath());
    }

    private static double[] cosines(float[][] x, float[][] y) {
        double[] c = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double dot = 0, nx = 0, ny = 0;
            for (int j = 0; j < x[i].length; j++) {
                dot += (double) x[i][j] * y[i][j];
                nx += (double) x[i][j] * x[i][j];
                ny += (double) y[i][j] * y[i][j];
            }
            c[i] = dot / Math.sqrt(nx * ny);
        }
        return c;
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s / v.length;
    }

    private static double min(double[] v) {
        double m = 1;
        for (double x : v) m = Math.min(m, x);
        return m;
    }
}
