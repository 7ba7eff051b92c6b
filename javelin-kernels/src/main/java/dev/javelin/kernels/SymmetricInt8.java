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

        /** The same values and scales as a {@link Table}, over this heap array. */
        public Table table() {
            return new Table(MemorySegment.ofArray(values), scales, rows, cols);
        }
    }

    /**
     * An int8 embedding table [rows, cols] with one scale per row, gathered a row at a time. The
     * values may be a mapped checkpoint's bytes, which then stay in the file and reach memory only as
     * the rows a text uses are read, as an F32 table's do.
     */
    public record Table(MemorySegment values, float[] scales, int rows, int cols) {
        public Table {
            if ((long) rows * cols != values.byteSize() || scales.length != rows) {
                throw new IllegalArgumentException("int8 table [" + rows + ", " + cols + "] needs " + (long) rows * cols
                        + " bytes and " + rows + " scales, got " + values.byteSize() + " and " + scales.length);
            }
        }

        /**
         * out[c] = q[r, c]·s_r for the contiguous row {@code out} [cols]: an embedding gather. A row
         * is a few hundred elements per token, so a plain loop is all it needs.
         */
        public void dequantizeRow(int r, Tensor out) {
            out.requireShape("dequantized row", cols);
            MemorySegment seg = out.segment();
            long at = out.byteOffset(), row = (long) r * cols;
            float s = scales[r];
            for (int c = 0; c < cols; c++) {
                seg.set(ValueLayout.JAVA_FLOAT_UNALIGNED, at + (long) c * Float.BYTES, values.get(ValueLayout.JAVA_BYTE, row + c) * s);
            }
        }

        /** out[c] += q[r, c]·s_r for the contiguous row {@code out} [cols]. */
        public void accumulateRow(int r, Tensor out) {
            out.requireShape("accumulated row", cols);
            MemorySegment seg = out.segment();
            long at = out.byteOffset(), row = (long) r * cols;
            float s = scales[r];
            for (int c = 0; c < cols; c++) {
                long o = at + (long) c * Float.BYTES;
                seg.set(ValueLayout.JAVA_FLOAT_UNALIGNED, o,
                        seg.get(ValueLayout.JAVA_FLOAT_UNALIGNED, o) + values.get(ValueLayout.JAVA_BYTE, row + c) * s);
            }
        }
    }

    /**
     * out (+)= the int8 quantization of one F32 row [cols] at byte {@code at} of {@code src},
     * dequantized: exactly what {@link #quantizeRows} and {@link Table#dequantizeRow} give for that
     * row, computed from the row alone. A token table quantized on load is gathered so from the
     * mapped F32 file: only the rows texts use reach memory, not the whole int8 table.
     */
    public static void dequantizedRow(MemorySegment src, long at, int cols, Tensor out, boolean accumulate) {
        out.requireShape("dequantized row", cols);
        float max = 0;
        for (int c = 0; c < cols; c++) max = Math.max(max, Math.abs(src.get(ValueLayout.JAVA_FLOAT_UNALIGNED, at + (long) c * Float.BYTES)));
        float scale = max / LEVELS;
        MemorySegment seg = out.segment();
        long o = out.byteOffset();
        for (int c = 0; c < cols; c++, o += Float.BYTES) {
            float v = scale == 0 ? 0 : level(src.get(ValueLayout.JAVA_FLOAT_UNALIGNED, at + (long) c * Float.BYTES), scale) * scale;
            seg.set(ValueLayout.JAVA_FLOAT_UNALIGNED, o, accumulate ? seg.get(ValueLayout.JAVA_FLOAT_UNALIGNED, o) + v : v);
        }
    }

    /** Refuses a contiguous 2-D weight holding a non-finite value, which no int8 scale can represent. */
    public static void requireFinite(Tensor w) {
        MatMul.requireRank("int8 weight", w, 2);
        w.requireContiguous("int8 weight");
        MemorySegment seg = w.segment();
        long at = w.byteOffset(), size = w.size();
        for (long i = 0; i < size; i++) {
            float v = seg.get(ValueLayout.JAVA_FLOAT_UNALIGNED, at + i * Float.BYTES);
            if (!Float.isFinite(v)) throw nonFinite(w, v, (int) (i / w.dim(1)), (int) (i % w.dim(1)));
        }
    }

    private static IllegalArgumentException nonFinite(Tensor w, float v, int r, int c) {
        return new IllegalArgumentException("weight " + Arrays.toString(w.shape()) + " has " + v
                + " at [" + r + ", " + c + "]; only finite weights can be quantized");
    }

    /** round(v / scale), half to even as torch.round, in [-127, 127]; the clamp only guards the rounding of max/scale. */
    private static byte level(float v, float scale) {
        return (byte) Math.max(-LEVELS, Math.min(LEVELS, Math.rint(v / scale)));
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
                if (!Float.isFinite(v)) throw nonFinite(w, v, r, c);
                max = Math.max(max, Math.abs(v));
            }
            float scale = max / LEVELS;
            scales[r] = scale;
            if (scale == 0) continue;
            for (int c = 0; c < cols; c++) q[r * cols + c] = level(all[r * cols + c], scale);
        }
        return new Quantized(q, scales, rows, cols);
    }
}
