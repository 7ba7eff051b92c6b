package dev.javelin.io.safetensors;

import java.util.Arrays;
import java.util.Objects;

/**
 * What a checkpoint header says about one tensor. Dimensions are {@code long} because the format
 * allows them; {@link SafeTensors#tensor} checks they fit the engine's {@code int} shapes.
 */
public record TensorInfo(String name, SafetensorsDType dtype, long[] shape, long byteSize) {

    public TensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        shape = shape.clone();
    }

    @Override
    public long[] shape() { return shape.clone(); }

    public int rank() { return shape.length; }

    /**
     * Number of elements (1 for a scalar, 0 if any dimension is 0).
     *
     * @throws ArithmeticException if it overflows, which no validated header allows
     */
    public long numel() {
        long n = 1;
        for (long d : shape) n = Math.multiplyExact(n, d);
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype
                && Arrays.equals(shape, t.shape) && byteSize == t.byteSize;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), byteSize);
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape) + " " + byteSize + " B";
    }
}
