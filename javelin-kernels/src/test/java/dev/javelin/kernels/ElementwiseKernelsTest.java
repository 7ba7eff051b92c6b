package dev.javelin.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.javelin.tensor.Tensor;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The elementwise and row kernels against their scalar references, on shapes that hit every code
 * path: empty, 1×1, lengths below, at and just past a multiple of the vector width, primes, rows
 * that are views into a wider tensor, and tensors large enough to run on the pool.
 */
class ElementwiseKernelsTest {
    private static final float U = Math.ulp(1f) / 2;

    static int[][] shapes() {
        int l = Simd.LANES;
        return new int[][] {
            {0}, {1}, {1, 1}, {7}, {l}, {l + 1}, {2 * l - 1}, {3, 5}, {13, 17}, {4, 3 * l}, {2, 3, 37},
            {128, 384}, {300, 257}, {0, 5}, {5, 0}, {}};
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void scaleMatchesReference(int[] shape) {
        // one rounding of x·s on both sides: exact agreement
        compare(shape, x -> Scale.apply(x, 0.37f), x -> ScaleReference.apply(x, 0.37f), 0, 0);
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void tanhMatchesReference(int[] shape) {
        // Tanh is 1 − 2/(e^{2|x|}+1) with Exp within 2 ulp: the quotient carries ~2 ulp of its
        // value (≤ 1) and the subtraction adds half an ulp of 1; |tanh| ≤ 1, so 4 ulp of 1 bounds it.
        compare(shape, Tanh::apply, TanhReference::apply, 0, 4 * Math.ulp(1f));
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void geluMatchesReference(int[] shape) {
        compare(shape, Gelu::apply, GeluReference::apply, GELU_TOLERANCE, Float.MIN_NORMAL);
    }

    /**
     * Relative error budget of {@link Gelu}: erfcc's fit is within 1.2e-7 (2u), Exp within 2 ulp,
     * the polynomial and the final products a few u: 16u. And the exponent x·(−x/2) + P is one
     * FMA, rounded once: u·|exponent| ≈ u·x²/2 absolute, which exp turns into relative error; the
     * budget allows twice that. Forming w = |x|/√2 and w² first (as Gelu once did) needed 2x²·u.
     */
    private static final java.util.function.DoubleUnaryOperator GELU_TOLERANCE = x -> (16 + x * x) * U;

    @Test
    void geluIsAccurateOverADenseSweepAndDeepIntoTheNegativeTail() {
        // Every 2^-11 from −13 to 8 (43k points): the random data of geluMatchesReference rarely
        // reaches below −8, where results fall towards 1e-38 and only a relative check sees a
        // wrong exponent. The sweep stops at −13: below −13.1 the true value is within 16% of the
        // smallest normal float, and Exp flushes it to zero.
        int n = 21 * 2048 + 1;
        float[] xs = new float[n];
        for (int i = 0; i < n; i++) xs[i] = -13f + i / 2048f;
        try (Arena arena = Arena.ofConfined()) {
            Tensor x = Tensor.of(arena, xs, n);
            Gelu.apply(x);
            float[] got = x.toArray();
            for (int i = 0; i < n; i++) {
                double want = 0.5 * xs[i] * GeluReference.erfc(-xs[i] / Math.sqrt(2));
                double tol = GELU_TOLERANCE.applyAsDouble(xs[i]) * Math.abs(want) + Float.MIN_NORMAL;
                assertThat((double) got[i]).as("GELU(%s)", xs[i]).isCloseTo(want, org.assertj.core.data.Offset.offset(tol));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void softmaxMatchesReference(int[] shape) {
        // Each output is exp(x−max)/Σ. x−max is rounded in float, an absolute error u·|x−max| ≤ 16u
        // (inputs lie in ±8) that exp turns into relative error; the vector EXP adds 1 ulp, and the
        // float sum of n terms carries n·u relative error into every output.
        int n = shape.length == 0 ? 1 : shape[shape.length - 1];
        compare(shape, Softmax::rows, SoftmaxReference::rows, (n + 20) * U, Float.MIN_NORMAL);
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void layerNormMatchesReference(int[] shape) {
        int n = shape.length == 0 ? 1 : shape[shape.length - 1];
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom rnd = new SplittableRandom(3);
            Tensor gamma = Tensors.random(arena, rnd, 1f, 0.5f, n);
            Tensor beta = Tensors.random(arena, rnd, 0f, 0.5f, n);
            // Mean and variance are float sums of n terms (n·u relative each); the normalised value
            // (x−mean)·rstd is O(a few) for this data, then one FMA with gamma, beta.
            compare(shape, x -> LayerNormKernel.apply(x, gamma, beta, 1e-12f),
                    x -> LayerNormKernelReference.apply(x, gamma, beta, 1e-12f), 4 * (n + 8) * U, 4 * (n + 8) * U);
        }
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void addMatchesReference(int[] shape) {
        int n = shape.length == 0 ? 1 : shape[shape.length - 1];
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom rnd = new SplittableRandom(5);
            Tensor bias = Tensors.random(arena, rnd, n);
            Tensor y = Tensors.random(arena, rnd, shape);
            // a single float addition on both sides: exact agreement
            if (shape.length > 0) compare(shape, x -> Add.bias(x, bias), x -> AddReference.bias(x, bias), 0, 0);
            compare(shape, x -> Add.inPlace(x, y), x -> AddReference.inPlace(x, y), 0, 0);
        }
    }

    @Test
    void softmaxIsStableForHugeInputsAndMaskedPositions() {
        try (Arena arena = Arena.ofConfined()) {
            Tensor x = Tensor.of(arena, new float[] {1000f, 1000f, Float.NEGATIVE_INFINITY, 999f, -1e30f}, 1, 5);
            Softmax.rows(x);
            float e = (float) Math.exp(-1);
            float sum = 2 + e;
            assertThat(x.toArray()).containsExactly(new float[] {1 / sum, 1 / sum, 0, e / sum, 0},
                    org.assertj.core.data.Offset.offset(1e-6f));
        }
    }

    @Test
    void geluHandlesExtremes() {
        try (Arena arena = Arena.ofConfined()) {
            Tensor x = Tensor.of(arena, new float[] {0f, -0f, 10f, -10f, 1e-30f, Float.POSITIVE_INFINITY, Float.NaN}, 7);
            Gelu.apply(x);
            float[] v = x.toArray();
            assertThat(v[0]).isZero();
            assertThat(v[2]).isEqualTo(10f);
            assertThat(Math.abs(v[3])).isLessThan(1e-20f);
            assertThat(v[4]).isCloseTo(0.5e-30f, org.assertj.core.data.Offset.offset(1e-36f));
            assertThat(v[5]).isEqualTo(Float.POSITIVE_INFINITY);
            assertThat(v[6]).isNaN();
        }
    }

    @Test
    void kernelsWorkOnRowViewsAndLeaveTheRestAlone() {
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom rnd = new SplittableRandom(9);
            Tensor wide = Tensors.random(arena, rnd, 40, 3 * Simd.LANES + 8);
            float[] before = wide.toArray();
            Tensor view = wide.slice(1, 3, 3 + 2 * Simd.LANES + 1).slice(0, 5, 35); // rows stride > row length
            Tensor expected = view.copy(arena);
            SoftmaxReference.rows(expected);
            Softmax.rows(view);
            assertThat(view.toArray()).containsExactly(expected.toArray(), org.assertj.core.data.Offset.offset(1e-6f));
            float[] after = wide.toArray();
            int cols = wide.dim(1);
            for (int i = 0; i < wide.dim(0); i++) {
                for (int j = 0; j < cols; j++) {
                    boolean inside = i >= 5 && i < 35 && j >= 3 && j < 3 + 2 * Simd.LANES + 1;
                    if (!inside) assertThat(after[i * cols + j]).isEqualTo(before[i * cols + j]);
                }
            }
        }
    }

    @Test
    void rejectsBadShapesAndStridedRows() {
        try (Arena arena = Arena.ofConfined()) {
            Tensor x = Tensor.allocate(arena, 4, 6);
            assertThatThrownBy(() -> Add.bias(x, Tensor.allocate(arena, 5)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[6]");
            assertThatThrownBy(() -> Add.bias(Tensor.allocate(arena), Tensor.allocate(arena, 1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scalar");
            assertThatThrownBy(() -> Add.inPlace(x, Tensor.allocate(arena, 6, 4)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shapes differ");
            assertThatThrownBy(() -> LayerNormKernel.apply(x, Tensor.allocate(arena, 6), Tensor.allocate(arena, 4), 1e-5f))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("beta");
            assertThatThrownBy(() -> Softmax.rows(x.t()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unit stride");
            assertThatThrownBy(() -> Gelu.apply(x.t()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unit stride");
        }
    }

    /**
     * Runs kernel and reference on copies of the same random data (values spread over ±8 so GELU,
     * tanh and exp see their interesting range) and checks |k − r| ≤ rel·|r| + abs elementwise.
     */
    private static void compare(int[] shape, Consumer<Tensor> kernel, Consumer<Tensor> reference, double rel, double abs) {
        compare(shape, kernel, reference, x -> rel, abs);
    }

    /** As above, with a relative tolerance that may depend on the input value. */
    private static void compare(int[] shape, Consumer<Tensor> kernel, Consumer<Tensor> reference,
                                java.util.function.DoubleUnaryOperator rel, double abs) {
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom rnd = new SplittableRandom(java.util.Arrays.hashCode(shape));
            Tensor x = Tensors.random(arena, rnd, 0f, 8f, shape);
            Tensor expected = x.copy(arena);
            float[] input = x.toArray();
            kernel.accept(x);
            reference.accept(expected);
            float[] got = x.toArray(), want = expected.toArray();
            for (int i = 0; i < got.length; i++) {
                double tol = rel.applyAsDouble(input[i]) * Math.abs(want[i]) + abs;
                if (!(Math.abs(got[i] - want[i]) <= tol)) {
                    assertThat(got[i]).as("element %d of %s (tolerance %g)", i, java.util.Arrays.toString(shape), tol)
                            .isEqualTo(want[i]);
                }
            }
        }
    }
}
