package dev.javelin.kernels;

import dev.javelin.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * Mean pooling over a packed batch (sequences laid end to end in [T, H] rows, as sentence-transformers
 * pools an unpadded sequence: the plain mean of its token vectors), and its backward pass, which
 * spreads each sequence's gradient evenly over its rows: dX[t] = dOut[s]/L_s for every row t of
 * sequence s. One task per sequence; each writes only its own rows, so results do not depend on
 * scheduling.
 */
public final class PackedMeanPooling {
    private PackedMeanPooling() {}

    /** out[s] = (1/L_s)·Σ_{t in s} x[t], summed in row order; x [T, H], out [S, H]. */
    public static void forward(Tensor x, int[] starts, int[] lengths, Tensor out) {
        int h = check(x, starts, lengths, out);
        MemorySegment xs = Simd.shareable(x.segment()), os = Simd.shareable(out.segment());
        ComputePool.shared().parallelFor(starts.length, s -> {
            float[] row = new float[h], sum = new float[h];
            for (int t = starts[s]; t < starts[s] + lengths[s]; t++) {
                MemorySegment.copy(xs, Tensor.F32, (x.offset() + (long) t * h) * Float.BYTES, row, 0, h);
                for (int c = 0; c < h; c++) sum[c] += row[c];
            }
            float inv = 1f / lengths[s];
            for (int c = 0; c < h; c++) sum[c] *= inv;
            MemorySegment.copy(sum, 0, os, Tensor.F32, (out.offset() + (long) s * h) * Float.BYTES, h);
        });
    }

    /** dx[t] = dOut[s]/L_s for each row t of sequence s; dOut [S, H], dx [T, H] (overwritten). */
    public static void backward(Tensor dOut, int[] starts, int[] lengths, Tensor dx) {
        int h = check(dx, starts, lengths, dOut);
        MemorySegment ds = Simd.shareable(dOut.segment()), xs = Simd.shareable(dx.segment());
        ComputePool.shared().parallelFor(starts.length, s -> {
            float[] row = new float[h];
            MemorySegment.copy(ds, Tensor.F32, (dOut.offset() + (long) s * h) * Float.BYTES, row, 0, h);
            float inv = 1f / lengths[s];
            for (int c = 0; c < h; c++) row[c] *= inv;
            for (int t = starts[s]; t < starts[s] + lengths[s]; t++) {
                MemorySegment.copy(row, 0, xs, Tensor.F32, (dx.offset() + (long) t * h) * Float.BYTES, h);
            }
        });
    }

    /** Checks rows [T, H], pooled [S, H] and that the sequences tile the T rows in order; returns H. */
    private static int check(Tensor rows, int[] starts, int[] lengths, Tensor pooled) {
        MatMul.requireRank("mean pooling rows", rows, 2);
        rows.requireContiguous("mean pooling rows");
        int t = rows.dim(0), h = rows.dim(1);
        pooled.requireShape("mean pooling output", starts.length, h).requireContiguous("mean pooling output");
        if (starts.length != lengths.length) throw new IllegalArgumentException("mean pooling: starts and lengths differ in count");
        int next = 0;
        for (int s = 0; s < starts.length; s++) {
            if (lengths[s] < 1 || starts[s] != next) {
                throw new IllegalArgumentException("mean pooling: sequence " + s + " [" + starts[s] + ", +" + lengths[s]
                        + ") is empty or does not follow the one before");
            }
            next += lengths[s];
        }
        if (next != t) throw new IllegalArgumentException("mean pooling: sequences cover " + next + " of " + t + " rows");
        return h;
    }
}
