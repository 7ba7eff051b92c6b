package dev.javelin.kernels;

import static dev.javelin.kernels.Simd.F;
import static dev.javelin.kernels.Simd.LE;

import dev.javelin.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.function.LongConsumer;
import jdk.incubator.vector.FloatVector;

/**
 * Layer normalisation over the last axis, in place: y = (x − mean)/√(var + eps)·gamma + beta, with
 * the biased variance (as PyTorch's LayerNorm). The variance is taken as the mean of squared
 * deviations in a second pass rather than E[x²] − mean², which cancels catastrophically when the
 * mean is large against the spread.
 */
public final class LayerNormKernel {
    private LayerNormKernel() {}

    /**
     * A layer norm's learned scale and shift and its epsilon, for a norm run by another kernel on
     * rows it has just written ({@link Epilogue#thenLayerNorm}).
     */
    public record Parameters(Tensor gamma, Tensor beta, float eps) {
        public Parameters {
            if (gamma.rank() != 1) throw new IllegalArgumentException("LayerNorm gamma must be 1-D, got " + gamma);
            requireParameter("gamma", gamma, gamma.dim(0));
            requireParameter("beta", beta, gamma.dim(0));
        }

        /** The length of the rows it normalises. */
        public int width() { return gamma.dim(0); }
    }

    public static void apply(Tensor x, Tensor gamma, Tensor beta, float eps) {
        Rows.requireContiguousRows("LayerNorm", x);
        int n = Rows.rowLength(x);
        requireParameter("gamma", gamma, n);
        requireParameter("beta", beta, n);
        if (n == 0) return;
        RowBody body = RowBody.OF_THREAD.get();
        if (body.x != null) body = new RowBody(); // a norm run from inside another's rows
        body.set(x, Simd.shareable(x.segment()), n, Simd.shareable(gamma.segment()), gamma.byteOffset(),
                Simd.shareable(beta.segment()), beta.byteOffset(), eps);
        try {
            Rows.forEach(x, body);
        } finally {
            body.set(null, null, 0, null, 0, null, 0, 0);
        }
    }

    /**
     * The row body of one call, one per thread and refilled by each call: a norm over a batch of
     * long sequences runs on the pool, where a capturing lambda would be allocated per call (every
     * layer norm of every pass).
     */
    private static final class RowBody implements LongConsumer {
        private static final ThreadLocal<RowBody> OF_THREAD = ThreadLocal.withInitial(RowBody::new);

        /** The normalised tensor while a call runs; null while free. */
        private Tensor x;
        private MemorySegment seg, g, b;
        private int n;
        private long gBase, bBase;
        private float eps;

        void set(Tensor x, MemorySegment seg, int n, MemorySegment g, long gBase, MemorySegment b, long bBase, float eps) {
            this.x = x;
            this.seg = seg;
            this.n = n;
            this.g = g;
            this.gBase = gBase;
            this.b = b;
            this.bBase = bBase;
            this.eps = eps;
        }

        @Override
        public void accept(long row) {
            row(seg, x.rowOffset(row) * Float.BYTES, n, g, gBase, b, bBase, eps);
        }
    }

    static void requireParameter(String what, Tensor p, int n) {
        if (p.rank() != 1 || p.dim(0) != n) {
            throw new IllegalArgumentException("LayerNorm " + what + ": expected shape [" + n + "], got " + p);
        }
        // the name is built only for the error: every layer norm of every pass checks its parameters
        if (!p.hasContiguousRows()) Rows.requireContiguousRows("LayerNorm " + what, p);
    }

    /**
     * Normalises the row of n floats at byte {@code base} of {@code seg}; gamma and beta at bytes
     * {@code gBase}, {@code bBase}. Also the norm that a product's epilogue runs on each finished row
     * ({@link Packing#unpackC}), so a fused norm is this arithmetic, bit for bit.
     */
    static void row(MemorySegment seg, long base, int n, MemorySegment g, long gBase, MemorySegment b,
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
