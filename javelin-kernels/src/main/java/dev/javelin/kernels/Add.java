package dev.javelin.kernels;

import static dev.javelin.kernels.Simd.F;
import static dev.javelin.kernels.Simd.LE;

import dev.javelin.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/** In-place additions: a bias on every row (linear layers) and residual connections. */
public final class Add {
    private Add() {}

    /** x[..., N] += bias[N] on every row. */
    public static void bias(Tensor x, Tensor bias) {
        if (x.rank() == 0) throw new IllegalArgumentException("Add.bias: x must have at least one axis, got a scalar");
        Rows.requireContiguousRows("Add.bias x", x);
        int n = Rows.rowLength(x);
        if (bias.rank() != 1 || bias.dim(0) != n) {
            throw new IllegalArgumentException("Add.bias: bias must have shape [" + n + "] to match x "
                    + Arrays.toString(x.shape()) + ", got " + Arrays.toString(bias.shape()));
        }
        Rows.requireContiguousRows("Add.bias bias", bias);
        MemorySegment seg = Simd.shareable(x.segment());
        MemorySegment b = Simd.shareable(bias.segment());
        long bBase = bias.byteOffset();
        Rows.forEach(x, row -> addRow(seg, x.rowOffset(row) * Float.BYTES, b, bBase, n));
    }

    /**
     * x[xRow, :] += y[yRow, :] for 2-D x and y of the same width with unit column stride, on the
     * calling thread: one row (an embedding lookup per token) without making views of it.
     */
    public static void row(Tensor x, int xRow, Tensor y, int yRow) {
        if (x.rank() != 2 || y.rank() != 2 || x.dim(1) != y.dim(1)) {
            throw new IllegalArgumentException("Add.row: x and y must be 2-D of the same width, got x " + Arrays.toString(x.shape())
                    + ", y " + Arrays.toString(y.shape()));
        }
        java.util.Objects.checkIndex(xRow, x.dim(0));
        java.util.Objects.checkIndex(yRow, y.dim(0));
        int n = x.dim(1);
        if (n > 1 && (x.stride(1) != 1 || y.stride(1) != 1)) {
            throw new IllegalArgumentException("Add.row: rows must be contiguous, got strides x " + Arrays.toString(x.strides())
                    + ", y " + Arrays.toString(y.strides()));
        }
        addRow(x.segment(), (x.offset() + xRow * x.stride(0)) * Float.BYTES, y.segment(), (y.offset() + yRow * y.stride(0)) * Float.BYTES, n);
    }

    /** x += y, elementwise; both the same shape. */
    public static void inPlace(Tensor x, Tensor y) {
        if (!Arrays.equals(x.shape(), y.shape())) {
            throw new IllegalArgumentException("Add.inPlace: shapes differ: x " + Arrays.toString(x.shape()) + ", y "
                    + Arrays.toString(y.shape()));
        }
        Rows.requireContiguousRows("Add.inPlace x", x);
        Rows.requireContiguousRows("Add.inPlace y", y);
        int n = Rows.rowLength(x);
        MemorySegment seg = Simd.shareable(x.segment());
        MemorySegment ys = Simd.shareable(y.segment());
        Rows.forEach(x, row -> addRow(seg, x.rowOffset(row) * Float.BYTES, ys, y.rowOffset(row) * Float.BYTES, n));
    }

    private static void addRow(MemorySegment x, long xBase, MemorySegment y, long yBase, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            long off = (long) i * Float.BYTES;
            FloatVector.fromMemorySegment(F, x, xBase + off, LE).add(FloatVector.fromMemorySegment(F, y, yBase + off, LE))
                    .intoMemorySegment(x, xBase + off, LE);
        }
        for (; i < n; i++) {
            long off = (long) i * Float.BYTES;
            x.set(Tensor.F32, xBase + off, x.get(Tensor.F32, xBase + off) + y.get(Tensor.F32, yBase + off));
        }
    }
}
