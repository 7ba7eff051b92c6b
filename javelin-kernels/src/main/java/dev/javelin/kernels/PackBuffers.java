package dev.javelin.kernels;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Recycled heap arrays for packed matmul operands. Packing buffers run to megabytes; allocating
 * them per call would zero them and churn the GC (and grow the heap) on every linear layer.
 * Callers may be virtual threads (the server), so buffers are pooled per purpose rather than per
 * thread.
 *
 * <p>The arrays sit in a fixed set of slots, taken and returned with one compare-and-set each: a
 * product takes and returns a few buffers per block, from every thread of the pool at once, and a
 * queue would allocate a node per return (most of what a short request allocated) while a lock
 * would make those threads wait on each other.
 */
final class PackBuffers {
    /** Enough for every thread of a pool plus a few concurrent callers; extras are left to the GC. */
    private static final int MAX_KEPT = 16;

    private final AtomicReferenceArray<float[]> kept = new AtomicReferenceArray<>(MAX_KEPT);

    /**
     * An array of at least {@code size} floats with unspecified contents: the smallest kept one that
     * is large enough (a short product leaves the large arrays to the large ones), else a new one
     * rounded up to a power of two, so that requests of slightly different sizes (the blocks of one
     * product) keep reusing the same arrays.
     */
    float[] take(int size) {
        while (true) {
            int best = -1;
            float[] fit = null;
            for (int i = 0; i < MAX_KEPT; i++) {
                float[] buf = kept.getAcquire(i);
                if (buf != null && buf.length >= size && (fit == null || buf.length < fit.length)) {
                    best = i;
                    fit = buf;
                }
            }
            if (fit == null) return new float[size <= 1 << 30 ? Math.max(64, Integer.highestOneBit(size - 1) << 1) : size];
            // another thread may have taken it meanwhile: look again
            if (kept.compareAndSet(best, fit, null)) return fit;
        }
    }

    /** Keeps {@code buf} for a later {@link #take} when a slot is free; else it is left to the GC. */
    void give(float[] buf) {
        for (int i = 0; i < MAX_KEPT; i++) {
            if (kept.getAcquire(i) == null && kept.compareAndSet(i, null, buf)) return;
        }
    }
}
