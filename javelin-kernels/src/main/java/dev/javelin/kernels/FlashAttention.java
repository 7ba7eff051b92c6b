package dev.javelin.kernels;

import static dev.javelin.kernels.ScaledDotProductAttention.ROWS;
import static dev.javelin.kernels.ScaledDotProductAttention.roundUp;

import dev.javelin.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Attention for one sequence and one head in blocks, with an online softmax (the FlashAttention-2
 * recurrence): a block of query rows meets the keys one block at a time, and each query row keeps a
 * running maximum m, a running sum ℓ and an unnormalised output o. A key block with scores s moves
 * them to m' = max(m, max s), ℓ' = ℓ·e^(m − m') + Σ e^(s − m'), o' = o·e^(m − m') + e^(s − m')·V;
 * the output is o/ℓ once every block has been seen. Only six query rows × one key block of scores
 * exist at a time, so no score leaves L1 however long the sequence, and key blocks outside a row
 * tile's {@link AttentionWindow} (the future of a causal row, the far side of a band) are skipped:
 * causal attention costs half of full attention, a band of width w costs O(L·w) rather than O(L²).
 *
 * <p>The products are {@link ScaledDotProductAttention}'s micro-kernels (6 rows × 2 vectors of
 * accumulators in registers), reading Q, Kᵀ and V as that kernel does; each key block's Kᵀ and V
 * serve the {@value #QUERY_BLOCK} query rows of a block while they sit in L1 or L2 ({@link #keyBlock}).
 * Its results match the fused kernel's to rounding: the sums run in another order.
 * {@link ScaledDotProductAttentionReference} is the scalar twin the tests compare both against.
 */
final class FlashAttention {
    private static final VectorSpecies<Float> F = Simd.F;
    private static final int W = F.length();
    /** Query rows per block: four six-row tiles share each key block while it is in cache. */
    static final int QUERY_BLOCK = 4 * ROWS;
    /** What a masked score becomes, as in the fused kernel and Hugging Face's masks. */
    private static final float MASKED = -Float.MAX_VALUE;

    private FlashAttention() {}

    /**
     * Keys per block for heads of size d, a whole number of vector pairs: Kᵀ and V blocks of 128 KB
     * together under a full window (fewer blocks, less per-block work: 16 KB blocks ran 12% slower at
     * L = 512, d = 32), of 32 KB under a causal or banded one (finer skipping: 1.36× the fused kernel
     * at L = 256, d = 32 causal, where 128 KB blocks ran 0.96×). Measured on Zen 4, docs/kernels.md.
     */
    static int keyBlock(int d, AttentionWindow window) {
        int bytes = window.isFull() ? 128 << 10 : 32 << 10;
        return Math.max(2 * W, bytes / (2 * Float.BYTES) / Math.max(d, 1) / (2 * W) * (2 * W));
    }

    /** The kernel over [len, d] operands given as in {@link ScaledDotProductAttention}'s own. */
    static void run(MemorySegment qs, long qBase, long qRow, MemorySegment ks, long kBase, long kRow,
                    MemorySegment vs, long vBase, long vRow, MemorySegment os, long oBase, long oRow,
                    int len, int d, float scale, float[] keyBias, float[] relativeBias, AttentionWindow window) {
        if (len == 0 || d == 0) return;
        int bk = keyBlock(d, window);
        int lenPad = roundUp(len, bk), dPad = roundUp(d, 2 * W);
        AttentionScratch s = AttentionScratch.get();
        float[] kt = s.kt(ScaledDotProductAttention.transposedLength(lenPad, d)), sc = s.scores(ROWS * bk);
        // l: each row's running sum as W lane partials (row r at r·W), then the scalar tails past the last whole vector
        float[] o = s.out(QUERY_BLOCK * dPad), m = s.max(QUERY_BLOCK), l = s.sum(QUERY_BLOCK * (W + 1)), ones = s.inv,
                blockMax = s.rowMax;
        ScaledDotProductAttention.loadTransposed(ks, kBase, kRow, len, d, kt, lenPad, s.row(d));
        s.stageValues(vs, vBase, vRow, len, d, dPad);
        Arrays.fill(ones, 1f);

        for (int q0 = 0; q0 < len; q0 += QUERY_BLOCK) {
            int qEnd = Math.min(q0 + QUERY_BLOCK, len);
            Arrays.fill(o, 0, QUERY_BLOCK * dPad, 0f);
            Arrays.fill(m, 0, QUERY_BLOCK, Float.NEGATIVE_INFINITY);
            Arrays.fill(l, 0, QUERY_BLOCK * (W + 1), 0f);
            int keysEnd = window.end(qEnd - 1, len);
            for (int j0 = window.first(q0) / bk * bk; j0 < keysEnd; j0 += bk) {
                int keys = Math.min(bk, len - j0);
                for (int i0 = q0; i0 < qEnd; i0 += ROWS) {
                    int last = Math.min(i0 + ROWS, len) - 1;
                    if (window.end(last, len) <= j0 || window.first(i0) >= j0 + keys) continue;
                    for (int j = 0; j < keys; j += 2 * W) {
                        ScaledDotProductAttention.scores(qs, (qBase + i0 * qRow) * Float.BYTES, qRow * Float.BYTES,
                                Math.min(ROWS, len - i0), d, scale, kt, j0 + j, sc, bk, j);
                    }
                    for (int r = 0; r < ROWS; r++) {
                        int i = Math.min(i0 + r, len - 1); // rows past len are padding: any valid row's pattern will do
                        addBiases(sc, r * bk, keys, j0, i, len, keyBias, relativeBias, window);
                    }
                    ScaledDotProductAttention.maxima(sc, 0, bk, keys, blockMax);
                    for (int r = 0; r < ROWS; r++) update(sc, r * bk, keys, blockMax[r], m, l, i0 - q0 + r, o, dPad);
                    for (int c = 0; c < dPad; c += 2 * W) {
                        ScaledDotProductAttention.values(sc, bk, keys, s.vRows, s.vAt + j0 * s.vPitch, s.vPitch, dPad, c, ones, o,
                                (i0 - q0) * dPad);
                    }
                }
            }
            for (int i = q0; i < qEnd; i++) {
                int at = (i - q0) * dPad;
                if (m[i - q0] == MASKED) meanOfValues(s, len, dPad, o, at);
                else scaleRow(o, at, dPad, 1f / (Simd.sumLanes(FloatVector.fromArray(F, l, (i - q0) * W)) + l[QUERY_BLOCK * W + i - q0]));
                MemorySegment.copy(o, at, os, Tensor.F32, (oBase + i * oRow) * Float.BYTES, d);
            }
        }
    }

    /**
     * Adds the biases to query row i's scores of one key block, sc[from, from+keys), and masks the
     * keys outside i's window.
     */
    private static void addBiases(float[] sc, int from, int keys, int j0, int i, int len, float[] bias, float[] relative,
                                  AttentionWindow window) {
        if (bias != null) {
            for (int j = 0; j < keys; j++) sc[from + j] += bias[j0 + j];
        }
        if (relative != null) {
            int at = len - 1 - i + j0;
            for (int j = 0; j < keys; j++) sc[from + j] += relative[at + j];
        }
        int first = window.first(i) - j0, end = window.end(i, len) - j0;
        if (first > 0) Arrays.fill(sc, from, from + Math.min(first, keys), MASKED);
        if (end < keys) Arrays.fill(sc, from + Math.max(end, 0), from + keys, MASKED);
    }

    /**
     * Folds one key block, its scores biased and masked in sc[from, from+keys) and their maximum
     * {@code blockMax}, into a query row's running state: m' = max(m, blockMax),
     * ℓ' = ℓ·e^(m − m') + Σ e^(s − m'), o' = o·e^(m − m'), leaving e^(s − m') in sc for the V product.
     */
    private static void update(float[] sc, int from, int keys, float blockMax, float[] m, float[] l, int row, float[] o,
                               int dPad) {
        float previous = m[row], max = Math.max(previous, blockMax);
        float correction = Exp.exp(previous - max);
        if (correction != 1f && previous != Float.NEGATIVE_INFINITY) scaleRow(o, row * dPad, dPad, correction);
        exponentiate(sc, from, keys, max, correction, l, row);
        m[row] = max;
    }

    /**
     * sc[from, from+keys) = e^(sc − max), and row's running sum in l becomes sum·correction + Σ of
     * them. The sum stays in lanes (and a scalar tail) until the row is done: adding a vector's lanes
     * in order ({@link Simd#sumLanes}, so that the result does not depend on the JIT tier) once per
     * key block cost more than the block's exponentials.
     */
    private static void exponentiate(float[] sc, int from, int keys, float max, float correction, float[] l, int row) {
        int bound = F.loopBound(keys);
        FloatVector vsum = FloatVector.fromArray(F, l, row * W).mul(correction);
        int j = 0;
        for (; j < bound; j += W) {
            FloatVector e = Exp.expNoOverflow(FloatVector.fromArray(F, sc, from + j).sub(max)); // exponents ≤ 0
            e.intoArray(sc, from + j);
            vsum = vsum.add(e);
        }
        vsum.intoArray(l, row * W);
        int tail = QUERY_BLOCK * W + row;
        float sum = l[tail] * correction;
        for (; j < keys; j++) {
            sc[from + j] = Exp.exp(sc[from + j] - max);
            sum += sc[from + j];
        }
        l[tail] = sum;
    }

    /** o[at, at + dPad) *= f. */
    private static void scaleRow(float[] o, int at, int dPad, float f) {
        for (int c = 0; c < dPad; c += W) FloatVector.fromArray(F, o, at + c).mul(f).intoArray(o, at + c);
    }

    /**
     * A row that sees no unmasked key: every score is the lowest float, so the softmax is uniform
     * over all len keys, as in the fused kernel and the reference (whatever blocks were skipped).
     */
    private static void meanOfValues(AttentionScratch s, int len, int dPad, float[] o, int at) {
        Arrays.fill(o, at, at + dPad, 0f);
        for (int j = 0; j < len; j++) {
            for (int c = 0; c < dPad; c += W) {
                FloatVector.fromMemorySegment(F, s.vRows, s.vAt + j * s.vPitch + (long) c * Float.BYTES, Simd.LE)
                        .add(FloatVector.fromArray(F, o, at + c)).intoArray(o, at + c);
            }
        }
        scaleRow(o, at, dPad, 1f / len);
    }
}
