package dev.javelin.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.javelin.tensor.Tensor;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The kernels of the RoPE / GLU / RMSNorm architectures against their scalar twins, on shapes that
 * leave vector tails (odd widths) and on strided views like the ones the layers pass.
 */
class ArchitectureKernelsTest {

    /** Both sides compute x₁·c − x₂·s with float products; the order of the two roundings differs by a few ulps. */
    @ParameterizedTest
    @CsvSource({"1,1,2", "5,3,10", "17,4,32", "9,2,70"})
    void ropeMatchesTheReference(int tokens, int heads, int headDim) {
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom r = new SplittableRandom(tokens * 31L + headDim);
            int half = headDim / 2, positions = 40;
            float[] cos = new float[positions * half], sin = new float[positions * half];
            for (int i = 0; i < cos.length; i++) {
                double angle = r.nextDouble(-10, 10);
                cos[i] = (float) Math.cos(angle);
                sin[i] = (float) Math.sin(angle);
            }
            int[] pos = new int[tokens];
            for (int t = 0; t < tokens; t++) pos[t] = r.nextInt(positions);
            // the query columns of a wider fused projection
            Tensor wide = Tensors.random(arena, r, tokens, heads * headDim + 7);
            Tensor fast = wide.slice(1, 3, 3 + heads * headDim);
            Tensor ref = fast.copy(arena);
            Rope.apply(fast, heads, headDim, pos, cos, sin);
            RopeReference.apply(ref, heads, headDim, pos, cos, sin);
            assertThat(maxAbsDiff(fast, ref)).isLessThan(1e-6f);
        }
    }

    @Test
    void ropeRejectsPositionsPastItsTables() {
        try (Arena arena = Arena.ofConfined()) {
            Tensor x = Tensor.allocate(arena, 2, 8);
            assertThatThrownBy(() -> Rope.apply(x, 2, 4, new int[] {0, 5}, new float[10], new float[10]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("position 5");
        }
    }

    /** Sums of n squares in float against double: a few ulps of the normalised values (order 1). */
    @ParameterizedTest
    @CsvSource({"1,1", "3,17", "8,64", "5,130"})
    void rmsNormMatchesTheReference(int rows, int n) {
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom r = new SplittableRandom(rows * 7L + n);
            Tensor x = Tensors.random(arena, r, 0f, 3f, rows, n), w = Tensors.random(arena, r, n);
            Tensor ref = x.copy(arena);
            RmsNormKernel.apply(x, w, 1e-6f);
            RmsNormKernelReference.apply(ref, w, 1e-6f);
            assertThat(maxAbsDiff(x, ref)).isLessThan(5e-6f);
        }
    }

    /** The per-head norm of Qwen3: rows are one head's columns of a wider fused projection; the others stay. */
    @Test
    void rmsNormRunsOnHeadViews() {
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom r = new SplittableRandom(3);
            Tensor wide = Tensors.random(arena, r, 0f, 3f, 6, 3 * 16 + 5);
            Tensor before = wide.copy(arena);
            Tensor head = wide.slice(1, 16, 32);
            Tensor ref = head.copy(arena);
            Tensor w = Tensors.random(arena, r, 16);
            RmsNormKernel.apply(head, w, 1e-6f);
            RmsNormKernelReference.apply(ref, w, 1e-6f);
            assertThat(maxAbsDiff(head, ref)).isLessThan(5e-6f);
            assertThat(maxAbsDiff(wide.slice(1, 0, 16), before.slice(1, 0, 16))).isZero();
            assertThat(maxAbsDiff(wide.slice(1, 32, 53), before.slice(1, 32, 53))).isZero();
        }
    }

    /** The kernel's exp is ≤ 2 ulp; a quotient adds one rounding. */
    @Test
    void siluMatchesTheReference() {
        try (Arena arena = Arena.ofConfined()) {
            Tensor x = Tensors.random(arena, new SplittableRandom(5), 0f, 30f, 7, 37);
            Tensor ref = x.copy(arena);
            Silu.apply(x);
            SiluReference.apply(ref);
            for (int i = 0; i < 7; i++) {
                for (int j = 0; j < 37; j++) {
                    assertThat(x.get(i, j)).isCloseTo(ref.get(i, j), org.assertj.core.data.Offset.offset(2e-6f * Math.max(1, Math.abs(ref.get(i, j)))));
                }
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"GELU,true", "GELU,false", "SILU,true", "SILU,false"})
    void gatedLinearUnitMatchesTheReference(GatedLinearUnit.Activation activation, boolean first) {
        try (Arena arena = Arena.ofConfined()) {
            Tensor in = Tensors.random(arena, new SplittableRandom(11), 0f, 6f, 5, 2 * 19);
            Tensor fast = Tensor.allocate(arena, 5, 19), ref = Tensor.allocate(arena, 5, 19);
            GatedLinearUnit.apply(in, fast, activation, first);
            GatedLinearUnitReference.apply(in, ref, activation, first);
            assertThat(maxAbsDiff(fast, ref)).isLessThan(2e-5f);
        }
    }

    /** Causal, banded and relative-position attention, with a padding mask on top, against the textbook loop. */
    @ParameterizedTest
    @CsvSource({"1,8,FULL", "13,16,CAUSAL", "29,8,BAND", "40,32,BAND", "7,5,CAUSAL"})
    void windowedAndRelativeAttentionMatchTheReference(int len, int d, String pattern) {
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom r = new SplittableRandom(len * 17L + d);
            Tensor q = Tensors.random(arena, r, 0f, 2f, len, d), k = Tensors.random(arena, r, 0f, 2f, len, d);
            Tensor v = Tensors.random(arena, r, len, d);
            AttentionWindow window = switch (pattern) {
                case "CAUSAL" -> AttentionWindow.CAUSAL;
                case "BAND" -> AttentionWindow.band(4);
                default -> AttentionWindow.FULL;
            };
            float[] relative = new float[2 * len - 1];
            for (int i = 0; i < relative.length; i++) relative[i] = (float) r.nextDouble(-2, 2);
            float[] keyBias = new float[len];
            keyBias[len - 1] = len > 2 ? -Float.MAX_VALUE : 0;
            Tensor fast = Tensor.allocate(arena, len, d), ref = Tensor.allocate(arena, len, d);
            float scale = (float) (1 / Math.sqrt(d));
            ScaledDotProductAttention.apply(q, k, v, fast, scale, keyBias, relative, window);
            ScaledDotProductAttentionReference.apply(q, k, v, ref, scale, keyBias, relative, window);
            assertThat(maxAbsDiff(fast, ref)).isLessThan(2e-6f);
        }
    }

    @Test
    void aBandedQueryIgnoresFarKeys() {
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom r = new SplittableRandom(9);
            int len = 20, d = 8;
            Tensor q = Tensors.random(arena, r, len, d), k = Tensors.random(arena, r, len, d), v = Tensors.random(arena, r, len, d);
            Tensor banded = Tensor.allocate(arena, len, d), local = Tensor.allocate(arena, 5, d);
            ScaledDotProductAttention.apply(q, k, v, banded, 0.3f, null, null, AttentionWindow.band(2));
            // query 10 with radius 2 sees keys 8..12 only: the same as full attention over that slice
            ScaledDotProductAttention.apply(q.slice(0, 8, 13), k.slice(0, 8, 13), v.slice(0, 8, 13), local, 0.3f, null);
            assertThat(maxAbsDiff(banded.slice(0, 10, 11).copy(arena), local.slice(0, 2, 3).copy(arena))).isLessThan(1e-6f);
        }
    }

    private static float maxAbsDiff(Tensor a, Tensor b) {
        float max = 0;
        for (int i = 0; i < a.dim(0); i++) {
            for (int j = 0; j < a.dim(1); j++) max = Math.max(max, Math.abs(a.get(i, j) - b.get(i, j)));
        }
        return max;
    }
}
