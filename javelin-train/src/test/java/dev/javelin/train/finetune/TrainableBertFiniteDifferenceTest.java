package dev.javelin.train.finetune;

import static org.assertj.core.api.Assertions.assertThat;

import dev.javelin.engine.Pooling;
import dev.javelin.kernels.SoftmaxCrossEntropy;
import dev.javelin.tensor.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole tiny model's backward pass against central finite differences of its float32 loss, for
 * every parameter tensor (full fine-tuning) and every LoRA factor. With h = 1e-2 on O(1) weights the
 * truncation error is O(h²) ≈ 1e-4 relative and float32 rounding of the loss (~1e-7) divided by 2h
 * adds ~1e-5 absolute; the bound 2e-2 on the relative error (with a 1e-3 absolute floor) sits well
 * above both and far below what a wrong term gives (errors of order 1). The tight, per-element
 * checks are against PyTorch in {@code TorchGradientFixtureTest} and against float64 references in the
 * kernel tests.
 *
 * <p>Dropout is checked here, where PyTorch cannot follow (its masks come from its own generator):
 * with training on, the masks are a pure function of the seed, so every evaluation of the loss
 * drops the same elements and the loss is a smooth function of the weights whose derivative the
 * backward pass must give, masks included (embeddings, attention probabilities, after the attention
 * output and the feed-forward, the head).
 */
class TrainableBertFiniteDifferenceTest {
    private static final TrainableBert.Batch BATCH = new TrainableBert.Batch(
            new int[] {1, 5, 9, 2, 1, 7, 1, 3, 4, 8, 2}, new int[] {0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 1}, new int[] {4, 2, 5});
    private static final int[] LABELS = {2, 0, 1};
    private static final long SEED = 1;

    @TempDir
    Path dir;

    @Test
    void fullFineTuningGradientsMatchFiniteDifferences() throws Exception {
        TrainableBert model = TrainableBert.load(TinyBert.write(dir, 7), 3, 0f, null, 1);
        check(model, model.trainable());
    }

    @Test
    void fullFineTuningWithDropoutMatchesFiniteDifferences() throws Exception {
        TrainableBert model = TrainableBert.load(TinyBert.write(dir, 7), 3, 0.2f, null, 1);
        check(model, model.trainable(), true);
    }

    @Test
    void distilBertWithDropoutMatchesFiniteDifferences() throws Exception {
        TrainableBert model = TrainableBert.load(fixture("tiny-distilbert"), 3, 0.2f, null, 1);
        check(model, model.trainable(), true);
    }

    @Test
    void meanPooledHeadWithDropoutMatchesFiniteDifferences() throws Exception {
        TrainableBert model = TrainableBert.load(TinyBert.write(dir, 9), 3, 0.2f, null, 1, Pooling.MEAN);
        check(model, model.trainable(), true);
    }

    /** Dropout on: the same seed gives the same logits, another seed other ones. */
    @Test
    void dropoutMasksFollowTheSeed() throws Exception {
        TrainableBert model = TrainableBert.load(fixture("tiny-distilbert"), 3, 0.2f, null, 1);
        float[] a, b, c, eval;
        try (TrainableBert.Pass p = model.forward(BATCH, true, 5)) { a = p.logits(); }
        try (TrainableBert.Pass p = model.forward(BATCH, true, 5)) { b = p.logits(); }
        try (TrainableBert.Pass p = model.forward(BATCH, true, 6)) { c = p.logits(); }
        try (TrainableBert.Pass p = model.forward(BATCH, false, 5)) { eval = p.logits(); }
        assertThat(a).containsExactly(b);
        assertThat(c).isNotEqualTo(a);
        assertThat(eval).isNotEqualTo(a);
    }

    @Test
    void loraGradientsMatchFiniteDifferences() throws Exception {
        TrainableBert model = TrainableBert.load(TinyBert.write(dir, 8), 3, 0f,
                new TrainableBert.LoraOptions(2, 4, TrainableBert.LoraOptions.ALL_PROJECTIONS), 1);
        // B starts at zero (so training starts at the base model); give it values so A's gradient is not zero too
        SplittableRandom r = new SplittableRandom(3);
        for (Param p : model.trainable()) {
            if (p.name().endsWith("lora_B.weight")) {
                float[] v = new float[p.size()];
                for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian() * 0.3f;
                p.value().copyFrom(v);
            }
        }
        assertThat(model.trainable()).extracting(Param::name).contains("bert.encoder.layer.1.output.dense.lora_A.weight",
                "bert.encoder.layer.0.attention.self.query.lora_B.weight", "classifier.weight", "bert.pooler.dense.bias");
        check(model, model.trainable());
    }

    private static Path fixture(String name) throws Exception {
        return Path.of(TrainableBertFiniteDifferenceTest.class.getResource("/fixtures/" + name + "/cls/config.json").toURI()).getParent();
    }

    private static void check(TrainableBert model, List<Param> params) {
        check(model, params, false);
    }

    /** With {@code dropout}, the loss is taken in training mode with the backward pass's seed, so its masks. */
    private static void check(TrainableBert model, List<Param> params, boolean dropout) {
        for (Param p : params) p.zeroGrad();
        try (TrainableBert.Pass pass = model.forward(BATCH, true, SEED)) {
            float[] d = new float[pass.logits().length];
            SoftmaxCrossEntropy.lossAndGradient(pass.logits(), LABELS, 3, d);
            pass.backward(d);
        }
        SplittableRandom pick = new SplittableRandom(11);
        for (Param p : params) {
            Tensor v = p.value();
            for (int trial = 0; trial < 4; trial++) {
                int i = pick.nextInt(p.size());
                float orig = v.getFlat(i);
                float h = 1e-2f;
                v.setFlat(i, orig + h);
                p.changed();
                double up = loss(model, dropout);
                v.setFlat(i, orig - h);
                p.changed();
                double down = loss(model, dropout);
                v.setFlat(i, orig);
                p.changed();
                double fd = (up - down) / (2 * h), g = p.grad()[i];
                double err = Math.abs(fd - g) / Math.max(1e-3, Math.max(Math.abs(fd), Math.abs(g)));
                assertThat(err).as("%s[%d]: backward %.6g, finite difference %.6g", p.name(), i, g, fd).isLessThan(2e-2);
            }
        }
    }

    private static double loss(TrainableBert model, boolean dropout) {
        try (TrainableBert.Pass pass = model.forward(BATCH, dropout, SEED)) {
            return SoftmaxCrossEntropy.lossAndGradient(pass.logits(), LABELS, 3, new float[pass.logits().length]);
        }
    }
}
