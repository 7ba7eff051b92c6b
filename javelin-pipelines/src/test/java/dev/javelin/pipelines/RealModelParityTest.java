package dev.javelin.pipelines;

import dev.javelin.bundled.BundledModel;

import dev.javelin.engine.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.javelin.tokenizers.Encoding;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Javelin on a real model converted from its ONNX export, against ONNX Runtime running the original
 * export on the same token ids (ORT padded, Javelin packed): last hidden states within 1e-4 of each
 * other on every real token, pooled sentence embeddings with cosine ≥ 0.99999.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RealModelParityTest {
    static final double MAX_ABS = 1e-4;
    static final double MIN_COSINE = 0.99999;

    Encoder encoder;
    OrtReference reference;

    abstract BundledModel model();

    @BeforeAll
    void convertOnceAndLoad(@TempDir Path cache) throws Exception {
        BundledModel m = model();
        encoder = Encoder.load(modelDirectory(cache), m.modelId());
        try (InputStream in = m.open(m.onnxResource())) {
            reference = new OrtReference(in.readAllBytes());
        }
    }

    /** The Javelin model directory to compare: the bundled model's own conversion. */
    Path modelDirectory(Path cache) throws Exception {
        return model().directory(cache);
    }

    @AfterAll
    void close() throws Exception {
        encoder.close();
        reference.close();
    }

    @Test
    void singleText() throws Exception {
        compare("single text", List.of(encoder.tokenizer().encode("The quick brown fox jumps over the lazy dog.")));
    }

    @Test
    void sentencePair() throws Exception {
        compare("pair", List.of(encoder.tokenizer().encode("How do I reset my password?",
                "Open settings, choose Security, then click 'Forgot password' and follow the e-mail link.")));
    }

    @Test
    void mixedLengthBatch() throws Exception {
        List<Encoding> batch = new ArrayList<>();
        for (String t : List.of("Hi", "A somewhat longer sentence about the weather in Zürich in late November.",
                "Embeddings map meaning to geometry.", "naïve café — déjà vu; 東京 and emoji 🚀 too!",
                "x".repeat(3), longText())) {
            batch.add(encoder.tokenizer().encode(t));
        }
        batch.add(encoder.tokenizer().encode("What is packing?", "Laying sequences end to end instead of padding them."));
        assertThat(batch.stream().mapToInt(Encoding::length).distinct().count()).isGreaterThan(5);
        compare("mixed batch of " + batch.size() + ", lengths " + batch.stream().map(Encoding::length).toList(), batch);
    }

    void compare(String what, List<Encoding> batch) throws Exception {
        float[][][] ref = reference.run(batch, "last_hidden_state");
        float[][][] hidden = encoder.embedAll(batch);
        Pooling pooling = encoder.info().pooling();
        float[][] pooled = encoder.embed(batch, pooling);
        double maxAbs = 0, minCos = 1;
        for (int s = 0; s < batch.size(); s++) {
            int n = batch.get(s).length();
            assertThat(hidden[s]).hasNumberOfRows(n);
            for (int t = 0; t < n; t++) maxAbs = Math.max(maxAbs, Parity.maxAbsDiff(hidden[s][t], ref[s][t]));
            minCos = Math.min(minCos, Parity.cosine(pooled[s], pool(ref[s], n, pooling)));
        }
        Parity.log(model().name() + " " + what, maxAbs, minCos);
        assertThat(maxAbs).as("max |Δ| of last hidden states").isLessThanOrEqualTo(MAX_ABS);
        assertThat(minCos).as("min cosine of pooled embeddings").isGreaterThanOrEqualTo(MIN_COSINE);
    }

    /** The reference pooling, written out independently of {@link Pooling}. */
    private static float[] pool(float[][] rows, int n, Pooling pooling) {
        float[] out = new float[rows[0].length];
        if (pooling == Pooling.CLS) return rows[0].clone();
        assertThat(pooling).isEqualTo(Pooling.MEAN);
        for (int t = 0; t < n; t++) for (int c = 0; c < out.length; c++) out[c] += rows[t][c] / n;
        return out;
    }

    private static String longText() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 40; i++) sb.append("Sentence ").append(i).append(" keeps the encoder busy with more tokens. ");
        return sb.toString();
    }
}
