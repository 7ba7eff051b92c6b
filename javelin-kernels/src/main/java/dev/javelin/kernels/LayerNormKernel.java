package dev.javelin.kernels;

import static dev.javelin.kernels.Simd.F;
import static dev.javelin.kernels.Simd.LE;

import dev.javelin.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * Layer normalisation over the last axis, in place: y = (x − mean)/√(var + eps)·gamma + beta, with
 * the biased variance (as PyTorch's LayerNorm). The variance is taken as the mean of squared
 * deviations in a second pass rather than E[x²] − mean², which cancels catastrophically when the
 * mean is large against the spread.
 */
public final class LayerNormKernel {
    private LayerNormKernel() {}

    public static void apply(Tensor x, Tensor gamma, Tensor beta, float eps) {
        Rows.requireContiguousRows("LayerNorm", x);
        int n = Rows.rowLength(x);
        requireParameter("gamma", gamma, n);
        requireParameter("beta", beta, n);
        if (n == 0) return;
        MemorySegment seg = Simd.shareable(x.segment());
        MemorySegment g = Simd.shareable(gamma.segment());
        MemorySegment b = Simd.shareable(beta.segment());
        long gBase = gamma.byteOffset();
        long bBase = beta.byteOffset();
        Rows.forEach(x, row -> row(seg, x.rowOffset(row) * Float.BYTES, n, g, gBase, b, bBase, eps));
    }

    static void requireParameter(String what, Tensor p, int n) {
        if (p.rank() != 1 || p.dim(0) != n) {
            throw new IllegalArgumentException("LayerNorm " + what + ": expected shape [" + n + "], got " + p);
        }
        Rows.requireContiguousRows("LayerNorm " + what, p);
    }

    private static void row(MemorySegment seg, long base, int n, MemorySegment g, long gBase, MemorySegment b,
                            long bBase, float eps) {
        int bound = F.loopBound(n);
        FloatVector vsum = FloatVector.zero(F);
        int i = 0;
        for (; i < bound; i += F.length()) {
            vsum = vsum.add(FloatVector.fromMemorySegment(F, seg, base + (long) i * Float.BYTES, LE));
        }
        float sum = Simd.sumLanes(vsum);
        for (; i < n; i++) sum += seg.get(Tensor.F32, base + (long) i * Float.BYTES);
        float mean = sum / n;

        FloatVector vsq = FloatVector.zero(F);
        for (i = 0; i < bound; i += F.length()) {
            FloatVector d = FloatVector.fromMemorySegment(F, seg, base + (long) i * Float.BYTES, LE).sub(mean);
            vsq = d.fma(d, vsq);
        }
        float sq = Simd.sumLanes(vsq);
        for (; i < n; i++) {
            float d = seg.get(Tensor.F32, base + (long) i * Float.BYTES) - mean;
            sq += d * d;
        }
        float rstd = (float) (1 / Math.sqrt(sq / n + eps));

        for (i = 0; i < bound; i += F.length()) {
            long off = (long) i * Float.BYTES;
            FloatVector gv = FloatVector.fromMemorySegment(F, g, gBase + off, LE);
            FloatVector bv = FloatVector.fromMemorySegment(F, b, bBase + off, LE);
            FloatVector.fromMemorySegment(F, seg, base + off, LE).sub(mean).mul(rstd).fma(gv, bv)
                    .intoMemorySegment(seg, base + off, LE);
        }
        for (; i < n; i++) {
            long off = (long) i * Float.BYTES;
            float v = (seg.get(Tensor.F32, base + off) - mean) * rstd;
            seg.set(Tensor.F32, base + off, Math.fma(v, g.get(Tensor.F32, gBase + off), b.get(Tensor.F32, bBase + off)));
        }
    }
}
