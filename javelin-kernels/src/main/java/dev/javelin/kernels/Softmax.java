package dev.javelin.kernels;

import static dev.javelin.kernels.Simd.F;
import static dev.javelin.kernels.Simd.LE;

import dev.javelin.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Softmax over the last axis, in place. Numerically stable: the row maximum is subtracted before
 * exponentiation, so no exp overflows; the largest term is exactly 1, so the sum is ≥ 1. Masked
 * positions may hold −∞ (they become 0); a row that is entirely −∞ has no defined softmax and
 * becomes NaN, as in PyTorch.
 */
public final class Softmax {
    private Softmax() {}

    public static void rows(Tensor x) {
        Rows.requireContiguousRows("Softmax.rows", x);
        MemorySegment seg = Simd.shareable(x.segment());
        int n = Rows.rowLength(x);
        if (n == 0) return;
        Rows.forEach(x, row -> row(seg, x.rowOffset(row) * Float.BYTES, n));
    }

    /**
     * x = exp(x − max) over the row; returns the sum. A method of its own so that C2 inlines
     * {@link Exp#exp(FloatVector)} here: inside the whole row method the inlining budget ran out,
     * and an exp call taking a FloatVector boxes every vector (8× slower softmax).
     */
    private static float exponentiate(MemorySegment seg, long base, int n, float max) {
        int bound = F.loopBound(n);
        float sum = bound == 0 ? 0f : exponentiateVectors(seg, base, bound, max);
        for (int i = bound; i < n; i++) {
            long at = base + (long) i * Float.BYTES;
            float e = Exp.exp(seg.get(Tensor.F32, at) - max);
            seg.set(Tensor.F32, at, e);
            sum += e;
        }
        return sum;
    }

    /**
     * The whole vectors of {@link #exponentiate}, in a method entered only when there is at least
     * one, so that C2 always finds its exp call hot. Where most rows had been shorter than a vector,
     * the call looked cold to C2, and at a cold call it does not inline a method already compiled on
     * its own into more than InlineSmallCode/4 bytes (Exp.exp's is ~840): out of line, every vector
     * operation in it allocated. This method passes no vector in or out, so it costs nothing when C2
     * keeps it out of line.
     */
    private static float exponentiateVectors(MemorySegment seg, long base, int bound, float max) {
        FloatVector vsum = FloatVector.zero(F);
        for (int i = 0; i < bound; i += F.length()) {
            long at = base + (long) i * Float.BYTES;
            FloatVector e = Exp.exp(FloatVector.fromMemorySegment(F, seg, at, LE).sub(max));
            e.intoMemorySegment(seg, at, LE);
            vsum = vsum.add(e);
        }
        return Simd.sumLanes(vsum);
    }

    private static void row(MemorySegment seg, long base, int n) {
        int bound = F.loopBound(n);
        FloatVector vmax = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (; i < bound; i += F.length()) {
            vmax = vmax.max(FloatVector.fromMemorySegment(F, seg, base + (long) i * Float.BYTES, LE));
        }
        float max = vmax.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) max = Math.max(max, seg.get(Tensor.F32, base + (long) i * Float.BYTES));

        float inv = 1f / exponentiate(seg, base, n, max);
        for (i = 0; i < bound; i += F.length()) {
            long at = base + (long) i * Float.BYTES;
            FloatVector.fromMemorySegment(F, seg, at, LE).mul(inv).intoMemorySegment(seg, at, LE);
        }
        for (; i < n; i++) {
            long at = base + (long) i * Float.BYTES;
            seg.set(Tensor.F32, at, seg.get(Tensor.F32, at) * inv);
        }
    }
}
