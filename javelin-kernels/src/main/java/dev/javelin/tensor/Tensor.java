package dev.javelin.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * An F32 tensor over off-heap memory: a {@link MemorySegment} plus shape, strides (in elements) and
 * an element offset. Views (slice, reshape, transpose) share the segment; nothing is copied.
 *
 * <p>Storage is little-endian whatever the platform, because checkpoints are. Scalar accessors use
 * unaligned layouts since memory-mapped checkpoint data need not be 4-byte aligned.
 */
public final class Tensor {
    /** Alignment for tensors we allocate: a cache line, and the widest SIMD register. */
    public static final long ALIGNMENT = 64;
    public static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment segment;
    private final long offset;
    private final int[] shape;
    private final long[] strides;

    private Tensor(MemorySegment segment, long offset, int[] shape, long[] strides) {
        this.segment = segment;
        this.offset = offset;
        this.shape = shape;
        this.strides = strides;
    }

    /** A zero-filled, 64-byte aligned tensor owned by {@code arena}. */
    public static Tensor allocate(Arena arena, int... shape) {
        Objects.requireNonNull(arena, "arena");
        long n = numel(shape);
        MemorySegment seg = arena.allocate(Math.max(1, n) * Float.BYTES, ALIGNMENT);
        return new Tensor(seg, 0, shape.clone(), contiguousStrides(shape));
    }

    /** A tensor holding a copy of {@code values}. */
    public static Tensor of(Arena arena, float[] values, int... shape) {
        if (numel(shape) != values.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + numel(shape)
                    + " elements, but " + values.length + " values were given");
        }
        Tensor t = allocate(arena, shape);
        MemorySegment.copy(values, 0, t.segment, F32, 0, values.length);
        return t;
    }

    /**
     * A zero-copy view of little-endian F32 data, e.g. a memory-mapped checkpoint tensor.
     * The segment must hold exactly the elements of {@code shape}.
     */
    public static Tensor wrap(MemorySegment segment, int... shape) {
        long n = numel(shape);
        if (segment.byteSize() != n * Float.BYTES) {
            throw new IllegalArgumentException("segment of " + segment.byteSize() + " bytes cannot hold F32 shape "
                    + Arrays.toString(shape) + " (" + n * Float.BYTES + " bytes)");
        }
        return new Tensor(segment, 0, shape.clone(), contiguousStrides(shape));
    }

    /** Converts little-endian storage of {@code dtype} into a new F32 tensor owned by {@code arena}. */
    public static Tensor convert(Arena arena, MemorySegment source, DType dtype, int... shape) {
        long n = numel(shape);
        if (source.byteSize() != n * dtype.byteSize()) {
            throw new IllegalArgumentException("segment of " + source.byteSize() + " bytes cannot hold " + dtype
                    + " shape " + Arrays.toString(shape) + " (" + n * dtype.byteSize() + " bytes)");
        }
        if (dtype == DType.F32) {
            Tensor t = allocate(arena, shape);
            MemorySegment.copy(source, 0, t.segment, 0, n * Float.BYTES);
            return t;
        }
        Tensor t = allocate(arena, shape);
        ValueLayout.OfShort u16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        // Blocks through heap arrays: this runs while a model loads, mostly interpreted, where a
        // segment access per element cost ~10x a bulk copy plus array indexing (a LoRA adapter's
        // F16 weights took ~0.1 s of a start-up).
        int block = (int) Math.min(n, 1 << 14);
        short[] bits = new short[block];
        float[] values = new float[block];
        for (long i = 0; i < n; i += block) {
            int len = (int) Math.min(block, n - i);
            MemorySegment.copy(source, u16, i * Short.BYTES, bits, 0, len);
            for (int j = 0; j < len; j++) {
                values[j] = dtype == DType.F16 ? Float.float16ToFloat(bits[j]) : Float.intBitsToFloat((bits[j] & 0xffff) << 16);
            }
            MemorySegment.copy(values, 0, t.segment, F32, i * Float.BYTES, len);
        }
        return t;
    }

    // ---- shape -------------------------------------------------------------------------------

    public int rank() { return shape.length; }

    public int[] shape() { return shape.clone(); }

    public int dim(int axis) { return shape[checkAxis(axis)]; }

    public long[] strides() { return strides.clone(); }

    public long stride(int axis) { return strides[checkAxis(axis)]; }

    /** Number of elements. */
    public long size() { return numel(shape); }

    /** Row-major with no gaps: the elements occupy {@code size()} consecutive floats. */
    public boolean isContiguous() {
        if (size() == 0) return true;
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    /** Number of rows over the last axis: the product of all other dimensions (1 for a vector). */
    public long rows() {
        if (shape.length == 0) return 1;
        long n = 1;
        for (int i = 0; i < shape.length - 1; i++) n *= shape[i];
        return n;
    }

    /**
     * Element offset in the backing segment of the first element of row {@code row} (rows in
     * row-major order over all axes but the last), whatever the strides.
     */
    public long rowOffset(long row) {
        Objects.checkIndex(row, rows());
        long pos = offset;
        for (int i = shape.length - 2; i >= 0; i--) {
            pos += (row % shape[i]) * strides[i];
            row /= shape[i];
        }
        return pos;
    }

    /** True when elements along the last axis are adjacent in memory, as in-place kernels need. */
    public boolean hasContiguousRows() {
        return shape.length == 0 || shape[shape.length - 1] <= 1 || strides[shape.length - 1] == 1;
    }

    /** The backing segment (shared by all views of it). */
    public MemorySegment segment() { return segment; }

    /** Offset of element [0,…,0] in the backing segment, in elements. */
    public long offset() { return offset; }

    /** Byte offset of element [0,…,0] in the backing segment. */
    public long byteOffset() { return offset * Float.BYTES; }

    /** For a contiguous tensor: exactly its bytes, for kernels to address from 0. */
    public MemorySegment data() {
        requireContiguous("data()");
        return segment.asSlice(byteOffset(), size() * Float.BYTES);
    }

    // ---- element access ------------------------------------------------------------------------

    public float get(int... index) { return segment.getAtIndex(F32, elementIndex(index)); }

    public void set(float value, int... index) { segment.setAtIndex(F32, elementIndex(index), value); }

    /** Element {@code i} of a contiguous tensor in row-major order. */
    public float getFlat(long i) {
        requireContiguous("getFlat");
        Objects.checkIndex(i, size());
        return segment.getAtIndex(F32, offset + i);
    }

    public void setFlat(long i, float value) {
        requireContiguous("setFlat");
        Objects.checkIndex(i, size());
        segment.setAtIndex(F32, offset + i, value);
    }

    private long elementIndex(int[] index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("index " + Arrays.toString(index) + " has " + index.length
                    + " dimensions, tensor " + Arrays.toString(shape) + " has " + shape.length);
        }
        long pos = offset;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " out of range for shape "
                        + Arrays.toString(shape) + " (axis " + i + ")");
            }
            pos += index[i] * strides[i];
        }
        return pos;
    }

    // ---- views ---------------------------------------------------------------------------------

    /** Elements {@code [start, end)} along {@code axis}; shares memory. */
    public Tensor slice(int axis, int start, int end) {
        checkAxis(axis);
        if (start < 0 || end > shape[axis] || start > end) {
            throw new IndexOutOfBoundsException("slice [" + start + ", " + end + ") out of range for axis " + axis
                    + " of size " + shape[axis]);
        }
        int[] s = shape.clone();
        s[axis] = end - start;
        return new Tensor(segment, offset + start * strides[axis], s, strides.clone());
    }

    /** Index {@code i} along axis 0, dropping that axis. */
    public Tensor get0(int i) {
        if (shape.length == 0) throw new IllegalStateException("cannot index a scalar");
        Objects.checkIndex(i, shape[0]);
        return new Tensor(segment, offset + i * strides[0], Arrays.copyOfRange(shape, 1, shape.length),
                Arrays.copyOfRange(strides, 1, strides.length));
    }

    /** Same elements, new shape; one dimension may be -1. Needs a contiguous tensor. */
    public Tensor reshape(int... newShape) {
        requireContiguous("reshape");
        int[] s = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("reshape " + Arrays.toString(newShape) + ": only one -1 allowed");
                infer = i;
            } else if (s[i] < 0) {
                throw new IllegalArgumentException("reshape " + Arrays.toString(newShape) + ": negative dimension");
            } else {
                known = Math.multiplyExact(known, s[i]);
            }
        }
        if (infer >= 0) {
            if (known == 0 || size() % known != 0) {
                throw new IllegalArgumentException("cannot reshape " + Arrays.toString(shape) + " to " + Arrays.toString(newShape));
            }
            s[infer] = Math.toIntExact(size() / known);
        }
        if (numel(s) != size()) {
            throw new IllegalArgumentException("cannot reshape " + Arrays.toString(shape) + " (" + size()
                    + " elements) to " + Arrays.toString(newShape));
        }
        return new Tensor(segment, offset, s, contiguousStrides(s));
    }

    /** Swaps two axes without moving data. */
    public Tensor transpose(int a, int b) {
        checkAxis(a);
        checkAxis(b);
        int[] s = shape.clone();
        long[] st = strides.clone();
        s[a] = shape[b]; s[b] = shape[a];
        st[a] = strides[b]; st[b] = strides[a];
        return new Tensor(segment, offset, s, st);
    }

    /** Transpose of a matrix view. */
    public Tensor t() {
        if (shape.length != 2) throw new IllegalStateException("t() needs a 2-D tensor, got " + Arrays.toString(shape));
        return transpose(0, 1);
    }

    /** This tensor if already contiguous, else a contiguous copy in {@code arena}. */
    public Tensor contiguous(Arena arena) {
        if (isContiguous()) return this;
        return copy(arena);
    }

    /** A contiguous copy in {@code arena}. */
    public Tensor copy(Arena arena) {
        Tensor out = allocate(arena, shape);
        if (isContiguous()) {
            MemorySegment.copy(segment, byteOffset(), out.segment, 0, size() * Float.BYTES);
        } else {
            int[] idx = new int[shape.length];
            for (long i = 0, n = size(); i < n; i++) {
                out.segment.setAtIndex(F32, i, segment.getAtIndex(F32, elementIndexUnchecked(idx)));
                increment(idx);
            }
        }
        return out;
    }

    public float[] toArray() {
        if (isContiguous()) {
            float[] out = new float[Math.toIntExact(size())];
            MemorySegment.copy(segment, F32, byteOffset(), out, 0, out.length);
            return out;
        }
        try (Arena a = Arena.ofConfined()) {
            return copy(a).toArray();
        }
    }

    public void copyFrom(float[] values) {
        requireContiguous("copyFrom");
        if (values.length != size()) {
            throw new IllegalArgumentException(values.length + " values for tensor " + Arrays.toString(shape));
        }
        MemorySegment.copy(values, 0, segment, F32, byteOffset(), values.length);
    }

    /** Throws unless this tensor has exactly {@code expected} shape; {@code what} names it in the message. */
    public Tensor requireShape(String what, int... expected) {
        if (!Arrays.equals(shape, expected)) {
            throw new IllegalArgumentException(what + ": expected shape " + Arrays.toString(expected) + ", got "
                    + Arrays.toString(shape));
        }
        return this;
    }

    /** {@link #requireShape(String, int...)} for a vector, without a varargs array (kernels check shapes on every call). */
    public Tensor requireShape(String what, int d0) {
        return shape.length == 1 && shape[0] == d0 ? this : requireShape(what, new int[] {d0});
    }

    /** {@link #requireShape(String, int...)} for a matrix, without a varargs array (kernels check shapes on every call). */
    public Tensor requireShape(String what, int d0, int d1) {
        return shape.length == 2 && shape[0] == d0 && shape[1] == d1 ? this : requireShape(what, new int[] {d0, d1});
    }

    public Tensor requireContiguous(String op) {
        if (!isContiguous()) {
            throw new IllegalStateException(op + " needs a contiguous tensor, got shape " + Arrays.toString(shape)
                    + " strides " + Arrays.toString(strides) + " (use contiguous(arena) first)");
        }
        return this;
    }

    private long elementIndexUnchecked(int[] idx) {
        long pos = offset;
        for (int i = 0; i < idx.length; i++) pos += idx[i] * strides[i];
        return pos;
    }

    private void increment(int[] idx) {
        for (int i = idx.length - 1; i >= 0; i--) {
            if (++idx[i] < shape[i]) return;
            idx[i] = 0;
        }
    }

    private int checkAxis(int axis) {
        if (axis < 0 || axis >= shape.length) {
            throw new IndexOutOfBoundsException("axis " + axis + " out of range for rank " + shape.length);
        }
        return axis;
    }

    public static long numel(int... shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    static long[] contiguousStrides(int[] shape) {
        long[] st = new long[shape.length];
        long s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            st[i] = s;
            s *= Math.max(1, shape[i]);
        }
        return st;
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape);
    }
}
