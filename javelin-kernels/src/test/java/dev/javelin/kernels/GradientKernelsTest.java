package dev.javelin.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.javelin.tensor.Tensor;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The backward kernels against their float64 scalar twins, and the twins against float64 central
 * finite differences of their own forward functions.
 *
 * <p>Tolerances: the twins are exact formulas in double, so central differences with h = 1e-5 agree
 * up to the O(h²) truncation (~1e-10 relative) and the rounding of the summed loss, ε·|L|/h ≈ 1e-9
 * absolute for these sizes, the same for every element: bounded at 1e-6 of the larger of the element
 * and the largest gradient element. The float32 kernels accumulate sums of H ≤ 384 terms in float, whose rounding is ~√H·6e-8
 * ≈ 1e-6 relative to the terms' magnitude; they are bounded at 1e-4 of the largest gradient element,
 * which any wrong term (errors of order 1) exceeds by orders of magnitude.
 */
class GradientKernelsTest {
    private static final double FD_H = 1e-5;

    @Test
    void layerNormBackwardMatchesReferenceAndFiniteDifferences() {
        SplittableRandom r = new SplittableRandom(1);
        int t = 37, h = 48; // more rows than one block of LayerNormGrad.ROW_BLOCK, so blocks are summed
        try (Arena arena = Arena.ofConfined()) {
            Tensor x = Tensors.random(arena, r, 0.3f, 2f, t, h), dy = Tensors.random(arena, r, t, h);
            Tensor gamma = Tensors.random(arena, r, 1f, 0.5f, h), beta = Tensors.random(arena, r, h);
            Tensor y = Tensor.allocate(arena, t, h), dx = Tensor.allocate(arena, t, h);
            float[] mean = new float[t], rstd = new float[t], dg = new float[h], db = new float[h];
            LayerNormGrad.forward(x, gamma, beta, 1e-12f, y, mean, rstd);
            LayerNormGrad.backward(dy, x, gamma, mean, rstd, dx, dg, db);
            double[] xd = d(x), gd = d(gamma), bd = d(beta), dyd = d(dy);
            assertClose(y.toArray(), LayerNormGradReference.forward(xd, gd, bd, 1e-12, t, h), 1e-5);
            double[] rdg = new double[h], rdb = new double[h];
            double[] rdx = LayerNormGradReference.backward(dyd, xd, gd, 1e-12, t, h, rdg, rdb);
            assertClose(dx.toArray(), rdx, 1e-4);
            assertClose(dg, rdg, 1e-4);
            assertClose(db, rdb, 1e-4);
            // the twin against finite differences of L = Σ dy·LN(x)
            assertFiniteDifferences(xd, rdx, v -> dot(dyd, LayerNormGradReference.forward(v, gd, bd, 1e-12, t, h)));
            assertFiniteDifferences(gd, rdg, v -> dot(dyd, LayerNormGradReference.forward(xd, v, bd, 1e-12, t, h)));
        }
    }

    @Test
    void geluDerivativeMatchesReferenceAndFiniteDifferences() {
        SplittableRandom r = new SplittableRandom(2);
        try (Arena arena = Arena.ofConfined()) {
            Tensor x = Tensors.random(arena, r, 0f, 6f, 70, 33), dy = Tensors.random(arena, r, 70, 33);
            Tensor dx = Tensor.allocate(arena, 70, 33);
            GeluGrad.backward(x, dy, dx);
            float[] xv = x.toArray(), dyv = dy.toArray(), got = dx.toArray();
            double[] want = new double[xv.length];
            for (int i = 0; i < xv.length; i++) {
                want[i] = dyv[i] * GeluGradReference.derivative(xv[i]);
                double fd = (GeluGradReference.gelu(xv[i] + FD_H) - GeluGradReference.gelu(xv[i] - FD_H)) / (2 * FD_H);
                assertThat(GeluGradReference.derivative(xv[i])).as("GELU'(%s)", xv[i]).isCloseTo(fd, org.assertj.core.data.Offset.offset(1e-8));
            }
            assertClose(got, want, 1e-6);
        }
    }

    @Test
    void packedAttentionBackwardMatchesReferenceAndFiniteDifferences() {
        checkAttention(0f, 3);
    }

    /**
     * With probability dropout the function is still smooth in Q, K, V for a fixed mask (the mask is
     * the same in every finite-difference evaluation: a pure function of the seed), so the same checks
     * apply; p = 0.3 drops about a third of the 116 probabilities per head of these lengths.
     */
    @Test
    void packedAttentionWithProbabilityDropoutMatchesReferenceAndFiniteDifferences() {
        checkAttention(0.3f, 5);
    }

    private static void checkAttention(float dropout, long seed) {
        SplittableRandom r = new SplittableRandom(3);
        int[] lengths = {5, 1, 9, 3};
        int t = 18, hidden = 12, heads = 3;
        int[] starts = {0, 5, 6, 15};
        try (Arena arena = Arena.ofConfined()) {
            Tensor q = Tensors.random(arena, r, 0f, 2f, t, hidden), k = Tensors.random(arena, r, 0f, 2f, t, hidden);
            Tensor v = Tensors.random(arena, r, t, hidden), dOut = Tensors.random(arena, r, t, hidden);
            Tensor out = Tensor.allocate(arena, t, hidden);
            Tensor dq = Tensor.allocate(arena, t, hidden), dk = Tensor.allocate(arena, t, hidden), dv = Tensor.allocate(arena, t, hidden);
            float[][] probs = PackedAttentionGrad.forward(q, k, v, starts, lengths, heads, dropout, seed, out);
            PackedAttentionGrad.backward(q, k, v, probs, dOut, starts, lengths, heads, dropout, seed, dq, dk, dv);
            double[] qd = d(q), kd = d(k), vd = d(v), dod = d(dOut);
            assertClose(out.toArray(), PackedAttentionGradReference.forward(qd, kd, vd, lengths, heads, hidden, dropout, seed), 1e-5);
            double[][] ref = PackedAttentionGradReference.backward(qd, kd, vd, dod, lengths, heads, hidden, dropout, seed);
            assertClose(dq.toArray(), ref[0], 1e-4);
            assertClose(dk.toArray(), ref[1], 1e-4);
            assertClose(dv.toArray(), ref[2], 1e-4);
            assertFiniteDifferences(qd, ref[0], x -> dot(dod, PackedAttentionGradReference.forward(x, kd, vd, lengths, heads, hidden, dropout, seed)));
            assertFiniteDifferences(kd, ref[1], x -> dot(dod, PackedAttentionGradReference.forward(qd, x, vd, lengths, heads, hidden, dropout, seed)));
            assertFiniteDifferences(vd, ref[2], x -> dot(dod, PackedAttentionGradReference.forward(qd, kd, x, lengths, heads, hidden, dropout, seed)));
            if (dropout > 0) {
                // the mask is really applied: without it the output differs
                Tensor undropped = Tensor.allocate(arena, t, hidden);
                PackedAttentionGrad.forward(q, k, v, starts, lengths, heads, 0f, seed, undropped);
                assertThat(undropped.toArray()).isNotEqualTo(out.toArray());
            }
        }
    }

    @Test
    void meanPoolingBackwardMatchesReferenceAndFiniteDifferences() {
        SplittableRandom r = new SplittableRandom(6);
        int[] lengths = {5, 1, 9, 3}, starts = {0, 5, 6, 15};
        int t = 18, hidden = 10;
        try (Arena arena = Arena.ofConfined()) {
            Tensor x = Tensors.random(arena, r, t, hidden), dOut = Tensors.random(arena, r, lengths.length, hidden);
            Tensor pooled = Tensor.allocate(arena, lengths.length, hidden), dx = Tensor.allocate(arena, t, hidden);
            PackedMeanPooling.forward(x, starts, lengths, pooled);
            PackedMeanPooling.backward(dOut, starts, lengths, dx);
            double[] xd = d(x), dod = d(dOut);
            assertClose(pooled.toArray(), PackedMeanPoolingReference.forward(xd, lengths, hidden), 1e-6);
            double[] rdx = PackedMeanPoolingReference.backward(dod, lengths, hidden);
            assertClose(dx.toArray(), rdx, 1e-6);
            assertFiniteDifferences(xd, rdx, v -> dot(dod, PackedMeanPoolingReference.forward(v, lengths, hidden)));
            assertThatThrownBy(() -> PackedMeanPooling.forward(x, new int[] {0, 5}, new int[] {5, 12}, Tensor.allocate(arena, 2, hidden)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cover 17 of 18 rows");
        }
    }

    @Test
    void attentionRejectsSequencesThatDoNotCoverTheRows() {
        try (Arena arena = Arena.ofConfined()) {
            Tensor q = Tensor.allocate(arena, 6, 4);
            assertThatThrownBy(() -> PackedAttentionGrad.forward(q, q, q, new int[] {0, 3}, new int[] {3, 2}, 2, 0f, 0, Tensor.allocate(arena, 6, 4)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cover 5 of 6 rows");
            assertThatThrownBy(() -> PackedAttentionGrad.forward(q, q, q, new int[] {0}, new int[] {6}, 3, 0f, 0, Tensor.allocate(arena, 6, 4)))
                    .hasMessageContaining("not a multiple of 3 heads");
        }
    }

    @Test
    void crossEntropyMatchesReferenceAndFiniteDifferences() {
        SplittableRandom r = new SplittableRandom(4);
        int n = 7, c = 4;
        float[] logits = new float[n * c];
        for (int i = 0; i < logits.length; i++) logits[i] = (float) (r.nextGaussian() * 3);
        logits[0] = 90; // a large logit: the log-sum-exp must not overflow
        int[] labels = {0, 3, 1, 2, 2, 0, 1};
        float[] grad = new float[n * c];
        double loss = SoftmaxCrossEntropy.lossAndGradient(logits, labels, c, grad);
        double[] ld = new double[logits.length];
        for (int i = 0; i < ld.length; i++) ld[i] = logits[i];
        double[] rg = SoftmaxCrossEntropyReference.gradient(ld, labels, c);
        assertThat(loss).isCloseTo(SoftmaxCrossEntropyReference.loss(ld, labels, c), org.assertj.core.data.Offset.offset(1e-6));
        assertClose(grad, rg, 1e-6);
        assertFiniteDifferences(ld, rg, x -> SoftmaxCrossEntropyReference.loss(x, labels, c));
        assertThatThrownBy(() -> SoftmaxCrossEntropy.lossAndGradient(logits, new int[] {0, 0, 0, 0, 0, 0, 4}, c, grad))
                .hasMessageContaining("label 4 outside [0, 4)");
    }

    @Test
    void dropoutKeepsTheExpectedShareScalesAndRepeatsItsMask() {
        try (Arena arena = Arena.ofConfined()) {
            Tensor ones = Tensor.allocate(arena, 200, 300);
            float[] v = new float[60_000];
            java.util.Arrays.fill(v, 1f);
            ones.copyFrom(v);
            Tensor again = ones.copy(arena);
            Dropout.apply(ones, 0.1f, 99);
            Dropout.apply(again, 0.1f, 99);
            float[] a = ones.toArray();
            assertThat(a).containsExactly(again.toArray());
            long kept = 0;
            for (float x : a) {
                assertThat(x == 0f || Math.abs(x - 1 / 0.9f) < 1e-6).isTrue();
                if (x != 0) kept++;
            }
            // 60,000 Bernoulli(0.9) draws: σ ≈ 73, so ±400 is over 5σ
            assertThat(kept).isBetween(54_000L - 400, 54_000L + 400);
            Tensor other = Tensor.allocate(arena, 200, 300);
            other.copyFrom(v);
            Dropout.apply(other, 0.1f, 100);
            assertThat(other.toArray()).isNotEqualTo(a);
            assertThatThrownBy(() -> Dropout.apply(other, 1f, 1)).hasMessageContaining("[0, 1)");
        }
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    private static double[] d(Tensor t) {
        float[] f = t.toArray();
        double[] out = new double[f.length];
        for (int i = 0; i < f.length; i++) out[i] = f[i];
        return out;
    }

    /** Central differences of f at every element of x against the analytic gradient. */
    private static void assertFiniteDifferences(double[] x, double[] grad, Function<double[], Double> f) {
        double scale = 0;
        for (double g : grad) scale = Math.max(scale, Math.abs(g));
        for (int i = 0; i < x.length; i++) {
            double keep = x[i];
            x[i] = keep + FD_H;
            double up = f.apply(x);
            x[i] = keep - FD_H;
            double down = f.apply(x);
            x[i] = keep;
            double fd = (up - down) / (2 * FD_H);
            double err = Math.abs(fd - grad[i]) / Math.max(scale, Math.abs(fd));
            assertThat(err).as("element %d: analytic %.9g, finite difference %.9g", i, grad[i], fd).isLessThan(1e-6);
        }
    }

    /** Every element within tol × the largest reference magnitude. */
    private static void assertClose(float[] got, double[] want, double tol) {
        assertThat(got).hasSize(want.length);
        double scale = 0;
        for (double w : want) scale = Math.max(scale, Math.abs(w));
        for (int i = 0; i < got.length; i++) {
            assertThat(Math.abs(got[i] - want[i])).as("element %d: %s vs %s", i, got[i], want[i]).isLessThanOrEqualTo(tol * Math.max(scale, 1e-9));
        }
    }
}
