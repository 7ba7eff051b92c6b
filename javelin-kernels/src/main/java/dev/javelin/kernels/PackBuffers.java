package dev.javelin.kernels;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Recycled heap arrays for packed matmul operands. Packing buffers run to megabytes; allocating
 * them per call would zero them and churn the GC (and grow the heap) on every linear layer.
 * Callers may be virtual threads (the server), so buffers are pooled per purpose rather than per
 * thread.
 */
final class PackBuffers {
    /** Enough for every thread of a pool plus a few concurrent callers; extras are left to the GC. */
    private static final int MAX_KEPT = 16;

    /** Free arrays in fixed slots (null = empty): taking and giving back allocate nothing, unlike a queue's nodes. */
    private final AtomicReferenceArray<float[]> free = new AtomicReferenceArray<>(MAX_KEPT);

    /**
     * An array of at least {@code size} floats with unspecified contents: a kept one that is large
     * enough, else a new one rounded up to a power of two, so that requests of slightly different
     * sizes (the blocks of one product) keep reusing the same arrays.
     */
    float[] take(int size) {
        for (int i = 0; i < MAX_KEPT; i++) {
            float[] buf = free.get(i);
            if (buf != null && buf.length >= size && free.compareAndSet(i, buf, null)) return buf;
        }
        return new float[size <= 1 << 30 ? Math.max(64, Integer.highestOneBit(size - 1) << 1) : size];
    }

    void give(float[] buf) {
        for (int i = 0; i < MAX_KEPT; i++) {
            if (free.get(i) == null && free.compareAndSet(i, null, buf)) return;
        }
    }
}
