package dev.javelin.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import dev.javelin.bundled.BundledModel;
import dev.javelin.engine.Encoder;
import dev.javelin.engine.Pooling;
import dev.javelin.io.source.PoolingConfig;
import dev.javelin.models.WeightDType;
import dev.javelin.onnx.OnnxConverter;
import dev.javelin.onnx.OnnxGraph;
import dev.javelin.onnx.SentenceTransformerModules;
import dev.javelin.tokenizers.Encoding;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * langchain4j's all-MiniLM-L6-v2 {@code -q} export (ONNX Runtime dynamic quantization: int8
 * MatMulInteger weights, DynamicQuantizeLinear activations, uint8 embedding tables) converted by
 * {@code javelin convert}, against ONNX Runtime on the same file, one sentence per run, on SST-2 dev
 * sentences (the 2,000-sentence measurement on all three encoders is {@code javelin bench quantization}).
 * Weights are taken over exactly, so with {@code --dynamic-activations} Javelin computes ORT's
 * products up to F32 summation order (a rounding tie that falls the other way still moves one
 * sentence's vector a little: per-tensor uint8 steps are coarse); without it the int8 weights run on F32 activations, which
 * moves the vectors away from ORT's by about what ORT's activation quantization costs, towards F32.
 */
class ImportedQuantizedExportTest {
    @TempDir
    Path tmp;

    @Test
    void convertedExportMatchesOnnxRuntimeOnTheSameFile() throws Exception {
        byte[] onnx;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("all-minilm-l6-v2-q.onnx")) {
            assertThat(in).as("all-minilm-l6-v2-q.onnx on the test class path").isNotNull();
            onnx = in.readAllBytes();
        }
        BundledModel bundled = BundledModel.ALL_MINILM_L6_V2;
        Path tokenizer = bundled.directory().resolve("tokenizer.json");
        Path weightOnly = tmp.resolve("weight-only"), dynamic = tmp.resolve("dynamic");
        OnnxConverter.convert(OnnxGraph.read(new ByteArrayInputStream(onnx), "all-minilm-l6-v2-q.onnx"), tokenizer, weightOnly,
                SentenceTransformerModules.of(PoolingConfig.Mode.MEAN, false), false);
        OnnxConverter.convert(OnnxGraph.read(new ByteArrayInputStream(onnx), "all-minilm-l6-v2-q.onnx"), tokenizer, dynamic,
                SentenceTransformerModules.of(PoolingConfig.Mode.MEAN, false), true);

        List<String> texts = QuantizedEncoderAccuracyTest.sst2Dev(100);
        float[][] ort = new float[texts.size()][], reproduced, int8, f32;
        List<Encoding> encodings;
        try (Encoder enc = Encoder.load(bundled.directory(), bundled.modelId(), WeightDType.F32)) {
            encodings = texts.stream().map(t -> enc.tokenizer().encode(t)).toList();
            f32 = embed(enc, encodings);
        }
        try (OrtReference reference = new OrtReference(onnx)) {
            for (int i = 0; i < encodings.size(); i++) {
                float[][] tokens = reference.run(List.of(encodings.get(i)), "last_hidden_state")[0];
                ort[i] = meanOf(tokens, encodings.get(i).length());
            }
        }
        try (Encoder enc = Encoder.load(weightOnly, "weight-only", WeightDType.F32)) {
            assertThat(enc.info().dtype()).isEqualTo("int8");
            int8 = embed(enc, encodings);
        }
        try (Encoder enc = Encoder.load(dynamic, "dynamic", WeightDType.F32)) {
            reproduced = embed(enc, encodings);
        }
        double reproducedVsOrt = Cosines.mean(reproduced, ort), int8VsOrt = Cosines.mean(int8, ort), int8VsF32 = Cosines.mean(int8, f32);
        System.out.printf("all-MiniLM-L6-v2 -q, %d SST-2 dev sentences: dynamic activations vs ORT -q %.6f (min %.6f);"
                        + " weight-only vs ORT -q %.6f, vs Javelin f32 %.6f; ORT -q vs f32 %.6f%n", texts.size(), reproducedVsOrt,
                Cosines.min(reproduced, ort), int8VsOrt, int8VsF32, Cosines.mean(ort, f32));
        // 2,000 SST-2 train sentences (bench quantization): 0.9992 mean, 0.980 min; weight-only 0.9923 against ORT
        assertThat(reproducedVsOrt).isGreaterThanOrEqualTo(0.998);
        assertThat(Cosines.min(reproduced, ort)).isGreaterThanOrEqualTo(0.95);
        assertThat(reproducedVsOrt).isGreaterThan(int8VsOrt);
        assertThat(int8VsOrt).isGreaterThanOrEqualTo(0.985);
        // weight-only int8 is closer to F32 than ORT's own quantized model is
        assertThat(int8VsF32).isGreaterThan(Cosines.mean(ort, f32));
    }

    /** One sentence per forward pass: the activation ranges then cover that sentence alone, as in ORT's runs. */
    private static float[][] embed(Encoder enc, List<Encoding> encodings) {
        float[][] out = new float[encodings.size()][];
        for (int i = 0; i < encodings.size(); i++) out[i] = enc.embed(encodings.subList(i, i + 1), Pooling.MEAN)[0];
        return out;
    }

    private static float[] meanOf(float[][] tokens, int n) {
        float[] m = new float[tokens[0].length];
        for (int t = 0; t < n; t++) for (int c = 0; c < m.length; c++) m[c] += tokens[t][c];
        for (int c = 0; c < m.length; c++) m[c] /= n;
        return m;
    }

    /** Per-sentence cosines of two sets of vectors. */
    private static final class Cosines {
        static double mean(float[][] x, float[][] y) {
            double s = 0;
            for (int i = 0; i < x.length; i++) s += Parity.cosine(x[i], y[i]);
            return s / x.length;
        }

        static double min(float[][] x, float[][] y) {
            double m = 1;
            for (int i = 0; i < x.length; i++) m = Math.min(m, Parity.cosine(x[i], y[i]));
            return m;
        }
    }
}
