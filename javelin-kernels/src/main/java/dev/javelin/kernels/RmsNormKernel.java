package dev.javelin.kernels;

import static dev.javelin.kernels.Simd.F;
import static dev.javelin.kernels.Simd.LE;

import dev.javelin.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * Root-mean-square normalisation (Zhang and Sennrich 2019) in place over the last axis:
 * x · weight / sqrt(mean(x²) + eps), as Llama's and Qwen's RMSNorm (no centring, no shift).
 * Rows may be strided (e.g. one head's slice of each token). {@link RmsNormKernelReference} is its scalar twin.
 */
public final class RmsNormKernel {
    private RmsNormKernel() {}

    public static void apply(Tensor x, Tensor weight, float eps) {
        Rows.requireContiguousRows("RmsNorm", x);
        int n = Rows.rowLength(x);
        LayerNormKernel.requireParameter("weight", weight, n);
        if (n == 0) return;
        MemorySegment seg = Simd.shareable(x.segment());
        MemorySegment w = Simd.shareable(weight.segment());
        long wBase = weight.byteOffset();
        Rows.forEach(x, row -> row(seg, x.rowOffset(row) * Float.BYTES, n, w, wBase, eps));
    }

    private static void row(MemorySegment seg, long base, int n, MemorySegment w, long wBase, float eps) {
        int bound = F.loopBound(n);
        FloatVector vsq = FloatVector.zero(F);
        int i = 0;
        for (; i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromMemorySegment(F, seg, base + (long) i * Float.BYTES, LE);
            vsq = v.fma(v, vsq);
        }
        float sq = Simd.sumLanes(vsq);
        for (; i < n; i++) {
            float v = seg.get(Tensor.F32, base + (long) i * Float.BYTES);
            sq += v * v;
        }
        float rms = (float) (1 / Math.sqrt(sq / n + eps));
        for (i = 0; i < bound; i += F.length()) {
            long off = (long) i * Float.BYTES;
            FloatVector.fromMemorySegment(F, seg, base + off, LE).mul(rms).mul(FloatVector.fromMemorySegment(F, w, wBase + off, LE))
                    .intoMemorySegment(seg, base + off, LE);
        }
        for (; i < n; i++) {
            long off = (long) i * Float.BYTES;
            seg.set(Tensor.F32, base + off, seg.get(Tensor.F32, base + off) * rms * w.get(Tensor.F32, wBase + off));
        }
    }
}
