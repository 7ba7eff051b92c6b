package dev.javelin.kernels;

/**
 * Recycled heap arrays for packed matmul operands. Packing buffers run to megabytes; allocating
 * them per call would zero them and churn the GC (and grow the heap) on every linear layer.
 * Callers may be virtual threads (the server), so buffers are pooled per purpose rather than per
 * thread. The kept arrays sit in a fixed array under a lock rather than in a concurrent deque,
 * whose node per return was the largest allocation left in a short request's forward pass; the
 * order in which they are handed out is the deque's.
 */
final class PackBuffers {
    /** Enough for every thread of a pool plus a few concurrent callers; extras are left to the GC. */
    private static final int MAX_KEPT = 16;

    /** Kept arrays, the most recently returned last; guarded by {@code this}. */
    private final float[][] free = new float[MAX_KEPT][];
    private int kept;

    /**
     * An array of at least {@code size} floats with unspecified contents: the most recently returned
     * one that is large enough, else a new one rounded up to a power of two, so that requests of
     * slightly different sizes (the blocks of one product) keep reusing the same arrays.
     */
    float[] take(int size) {
        synchronized (this) {
            for (int i = kept - 1; i >= 0; i--) {
                float[] buf = free[i];
                if (buf.length >= size) {
                    System.arraycopy(free, i + 1, free, i, kept - 1 - i);
                    free[--kept] = null;
                    return buf;
                }
            }
        }
        return new float[size <= 1 << 30 ? Math.max(64, Integer.highestOneBit(size - 1) << 1) : size];
    }

    void give(float[] buf) {
        synchronized (this) {
            if (kept < MAX_KEPT) free[kept++] = buf;
        }
    }
}
