package dev.javelin.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.javelin.tensor.Tensor;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScaledDotProductAttentionTest {

    /**
     * Operands are column slices of wider matrices (like one head of packed projections). The
     * tolerance: both sides sum d products then L probabilities in float; with unit-scale inputs the
     * rounding differences stay a few ulps of values of order 1.
     */
    @ParameterizedTest
    @CsvSource({"1,1", "1,32", "2,3", "7,8", "8,32", "9,17", "33,64", "128,32", "61,5"})
    void matchesTheScalarReference(int len, int d) {
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom r = new SplittableRandom(len * 131L + d);
            int wide = 3 * d + 2;
            Tensor q = Tensors.random(arena, r, 0f, 2f, len, wide).slice(1, 1, 1 + d);
            Tensor k = Tensors.random(arena, r, 0f, 2f, len, wide).slice(1, d, 2 * d);
            Tensor v = Tensors.random(arena, r, 0f, 2f, len, wide).slice(1, 2 * d + 2, 3 * d + 2);
            Tensor fast = Tensor.allocate(arena, len, wide).slice(1, d + 1, 2 * d + 1);
            Tensor ref = Tensor.allocate(arena, len, d);
            float scale = (float) (1 / Math.sqrt(d));
            for (float[] bias : new float[][] {null, maskEveryThird(len)}) {
                ScaledDotProductAttention.apply(q, k, v, fast, scale, bias);
                ScaledDotProductAttentionReference.apply(q, k, v, ref, scale, bias);
                assertThat(maxAbsDiff(fast, ref)).isLessThan(2e-6f);
            }
        }
    }

    @Test
    void maskedKeysGetNoWeight() {
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom r = new SplittableRandom(7);
            int len = 12, d = 16;
            Tensor q = Tensors.random(arena, r, 0f, 2f, len, d), k = Tensors.random(arena, r, len, d), v = Tensors.random(arena, r, len, d);
            float[] bias = new float[len];
            for (int j = 8; j < len; j++) bias[j] = -Float.MAX_VALUE;
            Tensor masked = Tensor.allocate(arena, len, d);
            ScaledDotProductAttention.apply(q, k, v, masked, 0.25f, bias);
            // Attention of the first 8 queries over the first 8 keys only.
            Tensor shortOut = Tensor.allocate(arena, 8, d);
            ScaledDotProductAttention.apply(q.slice(0, 0, 8), k.slice(0, 0, 8), v.slice(0, 0, 8), shortOut, 0.25f, null);
            assertThat(maxAbsDiff(masked.slice(0, 0, 8).copy(arena), shortOut)).isLessThan(1e-6f);
        }
    }

    @Test
    void rejectsMismatchedOperands() {
        try (Arena arena = Arena.ofConfined()) {
            Tensor a = Tensor.allocate(arena, 4, 8), b = Tensor.allocate(arena, 5, 8);
            assertThatThrownBy(() -> ScaledDotProductAttention.apply(a, b, a, a, 1, null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("attention k");
            assertThatThrownBy(() -> ScaledDotProductAttention.apply(a, a, a, a, 1, new float[2]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key bias");
            Tensor columnMajor = Tensor.allocate(arena, 8, 4).t();
            assertThatThrownBy(() -> ScaledDotProductAttention.apply(columnMajor, a, a, a, 1, null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unit stride");
        }
    }

    private static float maxAbsDiff(Tensor a, Tensor b) {
        float max = 0;
        for (int i = 0; i < a.dim(0); i++) {
            for (int j = 0; j < a.dim(1); j++) max = Math.max(max, Math.abs(a.get(i, j) - b.get(i, j)));
        }
        return max;
    }

    private static float[] maskEveryThird(int len) {
        float[] b = new float[len];
        for (int j = 1; j < len; j += 3) b[j] = -Float.MAX_VALUE;
        return b;
    }
}
