package dev.javelin.tensor;

/** Storage types a tensor can be loaded from; compute is always F32. */
public enum DType {
    F32(4), F16(2), BF16(2);

    private final int byteSize;

    DType(int byteSize) { this.byteSize = byteSize; }

    public int byteSize() { return byteSize; }
}
