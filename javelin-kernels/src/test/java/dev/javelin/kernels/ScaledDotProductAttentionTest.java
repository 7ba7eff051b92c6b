package dev.javelin.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.javelin.tensor.Tensor;
import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@EnabledIf("dev.javelin.kernels.RequestedShape#runsHere")
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

    /**
     * Kᵀ's copy is exact: every element where it belongs (in panels of {@code PANEL} keys) and zeros from len to the
     * padded length, for lengths and head sizes that are and are not whole numbers of 8 and of a vector; the rows are
     * a slice of a wider matrix, as a head's keys are. The padding starts out dirty, as a reused scratch buffer's does,
     * and nothing past the last panel is written.
     */
    @ParameterizedTest
    @CsvSource({"1,1", "7,8", "8,8", "8,16", "9,17", "16,32", "17,33", "24,64", "128,32", "130,80", "13,5"})
    void transposedKeysAreAnExactCopy(int len, int d) {
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom r = new SplittableRandom(len * 17L + d);
            int wide = 2 * d + 3, panel = ScaledDotProductAttention.PANEL, lenPad = ScaledDotProductAttention.roundUp(len + 5, panel);
            Tensor k = Tensors.random(arena, r, 0f, 2f, len + 2, wide);
            float[] kt = new float[d * lenPad + 7];
            Arrays.fill(kt, Float.NaN);
            long base = k.offset() + wide + 2; // key row 0 is row 1, column 2
            ScaledDotProductAttention.loadTransposed(k.segment(), base, k.stride(0), len, d, kt, lenPad, new float[d]);
            for (int c = 0; c < d; c++) {
                for (int j = 0; j < lenPad; j++) {
                    float want = j < len ? k.get(1 + j, 2 + c) : 0f;
                    int at = j / panel * panel * d + c * panel + j % panel;
                    assertThat(ScaledDotProductAttention.transposedAt(j, c, d)).as("where Kᵀ[%d][%d] goes", c, j).isEqualTo(at);
                    assertThat(kt[at]).as("Kᵀ[%d][%d]", c, j).isEqualTo(want);
                }
            }
            assertThat(Arrays.copyOfRange(kt, d * lenPad, kt.length)).as("past the last panel").containsOnly(Float.NaN);
        }
    }

    /**
     * applyHead reads one (sequence, head) of packed projections in place: bit for bit what apply
     * gives on views of the same rows and columns, for query heads sharing a key/value head
     * (grouped-query) and sequences starting mid-batch.
     */
    @ParameterizedTest
    @CsvSource({"0,16,3,1,32", "5,12,0,0,32", "7,40,2,1,17", "3,3,1,0,8", "0,1,0,0,5"})
    void headOfPackedProjectionsMatchesItsViews(int from, int to, int h, int kvh, int d) {
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom r = new SplittableRandom(from * 31L + to * 7L + d);
            int tokens = to + 3;
            Tensor q = Tensors.random(arena, r, 0f, 2f, tokens, 4 * d), k = Tensors.random(arena, r, 0f, 2f, tokens, 2 * d);
            Tensor v = Tensors.random(arena, r, tokens, 2 * d);
            Tensor inPlace = Tensor.allocate(arena, tokens, 4 * d), viaViews = Tensor.allocate(arena, to - from, d);
            float[] bias = maskEveryThird(to - from);
            ScaledDotProductAttention.applyHead(q, k, v, inPlace, from, to, h, kvh, d, 0.3f, bias, null, AttentionWindow.FULL);
            ScaledDotProductAttention.apply(q.slice(0, from, to).slice(1, h * d, (h + 1) * d),
                    k.slice(0, from, to).slice(1, kvh * d, (kvh + 1) * d), v.slice(0, from, to).slice(1, kvh * d, (kvh + 1) * d),
                    viaViews, 0.3f, bias, null, AttentionWindow.FULL);
            for (int i = 0; i < to - from; i++) {
                for (int c = 0; c < d; c++) {
                    assertThat(Float.floatToRawIntBits(inPlace.get(from + i, h * d + c)))
                            .as("row %d column %d", i, c).isEqualTo(Float.floatToRawIntBits(viaViews.get(i, c)));
                }
            }
            assertThat(inPlace.get(tokens - 1, h * d)).as("rows outside [from, to) untouched").isZero();
        }
    }

    /**
     * The blocked kernel against the scalar reference on the shapes that stress its blocks: lengths
     * not a multiple of the key block (512, 256, 128 keys for heads of 32, 64, 128 under a full
     * window, a quarter of that under the others) or of the 24-row query block, one token, head sizes that pad, every window the architectures use, the
     * key bias of padded tokens and a relative-position bias, on operands read in place from packed
     * projections (a query head sharing its key/value head, rows starting mid-batch).
     */
    @ParameterizedTest
    @CsvSource({"1,32", "5,64", "24,32", "63,32", "65,32", "100,64", "130,128", "257,32", "200,17", "97,128", "300,64"})
    void blockedKernelMatchesTheScalarReference(int len, int d) {
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom r = new SplittableRandom(len * 977L + d);
            int from = 3, tokens = from + len + 2;
            Tensor q = Tensors.random(arena, r, 0f, 2f, tokens, 4 * d), k = Tensors.random(arena, r, 0f, 2f, tokens, 2 * d);
            Tensor v = Tensors.random(arena, r, tokens, 2 * d), out = Tensor.allocate(arena, tokens, 4 * d);
            Tensor ref = Tensor.allocate(arena, len, d);
            float[] relative = new float[2 * len - 1];
            for (int i = 0; i < relative.length; i++) relative[i] = (float) r.nextDouble(-1, 1);
            float scale = (float) (1 / Math.sqrt(d));
            for (AttentionWindow window : new AttentionWindow[] {AttentionWindow.FULL, AttentionWindow.CAUSAL, AttentionWindow.band(7),
                    AttentionWindow.band(40), new AttentionWindow(0, 70)}) {
                for (float[] bias : new float[][] {null, paddedTail(len)}) {
                    for (float[] rel : new float[][] {null, relative}) {
                        ScaledDotProductAttention.applyHead(q, k, v, out, from, from + len, 3, 1, d, scale, bias, rel, window,
                                ScaledDotProductAttention.Kernel.BLOCKED);
                        ScaledDotProductAttentionReference.apply(q.slice(0, from, from + len).slice(1, 3 * d, 4 * d),
                                k.slice(0, from, from + len).slice(1, d, 2 * d), v.slice(0, from, from + len).slice(1, d, 2 * d),
                                ref, scale, bias, rel, window);
                        assertThat(maxAbsDiff(out.slice(0, from, from + len).slice(1, 3 * d, 4 * d), ref))
                                .as("%s, bias %s, relative %s", window, bias != null, rel != null).isLessThan(2e-6f);
                    }
                }
            }
        }
    }

    /**
     * Rows whose every visible key is masked (a sequence of padding only, under a band that skips
     * most key blocks) get the reference's uniform average over all keys, not over the blocks seen.
     */
    @Test
    void blockedKernelAveragesAllKeysForAFullyMaskedRow() {
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom r = new SplittableRandom(11);
            int len = 150, d = 32;
            Tensor q = Tensors.random(arena, r, len, d), k = Tensors.random(arena, r, len, d), v = Tensors.random(arena, r, len, d);
            Tensor blocked = Tensor.allocate(arena, len, d), ref = Tensor.allocate(arena, len, d);
            float[] bias = new float[len];
            Arrays.fill(bias, -Float.MAX_VALUE);
            AttentionWindow band = AttentionWindow.band(5);
            ScaledDotProductAttention.applyHead(q, k, v, blocked, 0, len, 0, 0, d, 0.2f, bias, null, band,
                    ScaledDotProductAttention.Kernel.BLOCKED);
            ScaledDotProductAttentionReference.apply(q, k, v, ref, 0.2f, bias, null, band);
            assertThat(maxAbsDiff(blocked, ref)).isLessThan(2e-6f);
        }
    }

    /**
     * A batch of packed sequences of mixed lengths, each head as the forward pass runs it, with the
     * kernel chosen by length: every (sequence, head) matches the reference, and a second pass is
     * bit-identical to the first.
     */
    @Test
    void mixedLengthBatchMatchesTheReferenceAndRepeatsBitForBit() {
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom r = new SplittableRandom(5);
            int[] lengths = {1, 1100, 37, 1025, 64}; // 1100 and 1025 take the blocked kernel, the others the fused one
            int d = 32, heads = 4, kvHeads = 2, tokens = Arrays.stream(lengths).sum();
            Tensor q = Tensors.random(arena, r, 0f, 2f, tokens, heads * d), k = Tensors.random(arena, r, 0f, 2f, tokens, kvHeads * d);
            Tensor v = Tensors.random(arena, r, tokens, kvHeads * d);
            Tensor first = Tensor.allocate(arena, tokens, heads * d), second = Tensor.allocate(arena, tokens, heads * d);
            for (Tensor out : new Tensor[] {first, second}) {
                for (int s = 0, from = 0; s < lengths.length; from += lengths[s++]) {
                    for (int h = 0; h < heads; h++) {
                        ScaledDotProductAttention.applyHead(q, k, v, out, from, from + lengths[s], h, h / 2, d, 0.17f,
                                paddedTail(lengths[s]), null, AttentionWindow.FULL);
                    }
                }
            }
            for (int s = 0, from = 0; s < lengths.length; from += lengths[s++]) {
                int to = from + lengths[s];
                for (int h = 0; h < heads; h++) {
                    Tensor ref = Tensor.allocate(arena, lengths[s], d);
                    ScaledDotProductAttentionReference.apply(q.slice(0, from, to).slice(1, h * d, (h + 1) * d),
                            k.slice(0, from, to).slice(1, h / 2 * d, (h / 2 + 1) * d), v.slice(0, from, to).slice(1, h / 2 * d, (h / 2 + 1) * d),
                            ref, 0.17f, paddedTail(lengths[s]), null, AttentionWindow.FULL);
                    assertThat(maxAbsDiff(first.slice(0, from, to).slice(1, h * d, (h + 1) * d), ref))
                            .as("sequence %d head %d", s, h).isLessThan(2e-6f);
                }
            }
            assertThat(second.toArray()).isEqualTo(first.toArray());
        }
    }

    /** The thresholds measured in docs/kernels.md: long full windows, and windows that hide at least half the scores. */
    @Test
    void kernelIsChosenByShape() {
        assertThat(ScaledDotProductAttention.Kernel.forShape(512, AttentionWindow.FULL)).isEqualTo(ScaledDotProductAttention.Kernel.FUSED);
        assertThat(ScaledDotProductAttention.Kernel.forShape(1024, AttentionWindow.FULL)).isEqualTo(ScaledDotProductAttention.Kernel.BLOCKED);
        assertThat(ScaledDotProductAttention.Kernel.forShape(64, AttentionWindow.CAUSAL)).isEqualTo(ScaledDotProductAttention.Kernel.FUSED);
        assertThat(ScaledDotProductAttention.Kernel.forShape(128, AttentionWindow.CAUSAL)).isEqualTo(ScaledDotProductAttention.Kernel.BLOCKED);
        assertThat(ScaledDotProductAttention.Kernel.forShape(128, AttentionWindow.band(64))).isEqualTo(ScaledDotProductAttention.Kernel.FUSED);
        assertThat(ScaledDotProductAttention.Kernel.forShape(512, AttentionWindow.band(64))).isEqualTo(ScaledDotProductAttention.Kernel.BLOCKED);
    }

    @Test
    void rejectsAHeadOutsideItsOperands() {
        try (Arena arena = Arena.ofConfined()) {
            Tensor a = Tensor.allocate(arena, 10, 64);
            assertThatThrownBy(() -> ScaledDotProductAttention.applyHead(a, a, a, a, 4, 11, 0, 0, 32, 1, null, null, AttentionWindow.FULL))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rows [4, 11)");
            assertThatThrownBy(() -> ScaledDotProductAttention.applyHead(a, a, a, a, 0, 10, 2, 0, 32, 1, null, null, AttentionWindow.FULL))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("head 2 of size 32");
            assertThatThrownBy(() -> ScaledDotProductAttention.applyHead(a, a, a, a, 0, 10, 0, 0, 32, 1, new float[9], null, AttentionWindow.FULL))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key bias");
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

    /** The key bias of a sequence padded to its batch's longest: its last third masked. */
    private static float[] paddedTail(int len) {
        float[] b = new float[len];
        for (int j = len - len / 3; j < len; j++) b[j] = -Float.MAX_VALUE;
        return b;
    }
}
