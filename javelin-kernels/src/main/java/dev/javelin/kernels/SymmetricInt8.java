package dev.javelin.kernels;

import dev.javelin.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Symmetric per-output-channel int8 quantization of a linear weight W [out, in]: each row r gets
 * one scale s_r = max|W_r| / 127 and holds q = round(W / s_r) in [-127, 127], so W ≈ q·s_r. It is
 * the scheme of compressed-tensors' "int-quantized" weights (strategy "channel", symmetric) and of
 * most weight-only int8 loaders: per-row scales keep one outlier row from costing every other row
 * its resolution, and -128 is left unused so the range is symmetric about zero.
 */
public final class SymmetricInt8 {
    private SymmetricInt8() {}

    /** The largest quantized magnitude. */
    public static final int LEVELS = 127;

    /** Row-major int8 values [rows, cols] and one scale per row. */
    public record Quantized(byte[] values, float[] scales, int rows, int cols) {
        public Quantized {
            if ((long) rows * cols != values.length || scales.length != rows) {
                throw new IllegalArgumentException("int8 weight [" + rows + ", " + cols + "] needs " + (long) rows * cols
                        + " values and " + rows + " scales, got " + values.length + " and " + scales.length);
            }
        }

        /** q·s as F32, element [r, c] — what the kernels compute with, for references and error reports. */
        public float dequantized(int r, int c) {
            return values[r * cols + c] * scales[r];
        }

        /**
         * out[c] = q[r, c]·s_r for the contiguous row {@code out} [cols]: an embedding gather. A row
         * is a few hundred elements per token, so a plain loop (C2 vectorises it) is all it needs.
         */
        public void dequantizeRow(int r, Tensor out) {
            out.requireShape("dequantized row", cols);
            MemorySegment seg = out.segment();
            long at = out.byteOffset();
            float s = scales[r];
            int base = r * cols;
            for (int c = 0; c < cols; c++) seg.set(ValueLayout.JAVA_FLOAT_UNALIGNED, at + (long) c * Float.BYTES, values[base + c] * s);
        }

        /** out[c] += q[r, c]·s_r for the contiguous row {@code out} [cols]. */
        public void accumulateRow(int r, Tensor out) {
            out.requireShape("accumulated row", cols);
            MemorySegment seg = out.segment();
            long at = out.byteOffset();
            float s = scales[r];
            int base = r * cols;
            for (int c = 0; c < cols; c++) {
                long o = at + (long) c * Float.BYTES;
                seg.set(ValueLayout.JAVA_FLOAT_UNALIGNED, o, seg.get(ValueLayout.JAVA_FLOAT_UNALIGNED, o) + values[base + c] * s);
            }
        }
    }

    /** Quantizes every row of the 2-D tensor {@code w} (any strides). A row of zeros gets scale 0. */
    public static Quantized quantizeRows(Tensor w) {
        MatMul.requireRank("int8 weight", w, 2);
        int rows = w.dim(0), cols = w.dim(1);
        if ((long) rows * cols > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("weight " + Arrays.toString(w.shape()) + " is too large to quantize");
        }
        byte[] q = new byte[rows * cols];
        float[] scales = new float[rows];
        // one bulk copy: element-wise Tensor.get would allocate an index array per weight
        float[] all = w.toArray();
        for (int r = 0; r < rows; r++) {
            float max = 0;
            for (int c = 0; c < cols; c++) {
                float v = all[r * cols + c];
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("weight " + Arrays.toString(w.shape()) + " has " + v
                            + " at [" + r + ", " + c + "]; only finite weights can be quantized");
                }
                max = Math.max(max, Math.abs(v));
            }
            float scale = max / LEVELS;
            scales[r] = scale;
            if (scale == 0) continue;
            for (int c = 0; c < cols; c++) {
                // round half to even, as torch.round; the clamp only guards the rounding of max/scale
                q[r * cols + c] = (byte) Math.max(-LEVELS, Math.min(LEVELS, Math.rint(all[r * cols + c] / scale)));
            }
        }
        return new Quantized(q, scales, rows, cols);
    }
}
