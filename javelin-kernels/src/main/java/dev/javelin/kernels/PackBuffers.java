package dev.javelin.kernels;

import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Recycled heap arrays for packed matmul operands. Packing buffers run to megabytes; allocating
 * them per call would zero them and churn the GC (and grow the heap) on every linear layer.
 * Callers may be virtual threads (the server), so buffers are pooled per purpose rather than per
 * thread.
 */
final class PackBuffers {
    /** Enough for every thread of a pool plus a few concurrent callers; extras are left to the GC. */
    private static final int MAX_KEPT = 16;

    private final ConcurrentLinkedDeque<float[]> free = new ConcurrentLinkedDeque<>();

    /**
     * An array of at least {@code size} floats with unspecified contents: the most recently returned
     * one that is large enough, else a new one rounded up to a power of two, so that requests of
     * slightly different sizes (the blocks of one product) keep reusing the same arrays.
     */
    float[] take(int size) {
        for (Iterator<float[]> it = free.iterator(); it.hasNext(); ) {
            float[] buf = it.next();
            if (buf.length >= size && free.removeFirstOccurrence(buf)) return buf;
        }
        return new float[size <= 1 << 30 ? Math.max(64, Integer.highestOneBit(size - 1) << 1) : size];
    }

    void give(float[] buf) {
        if (free.size() < MAX_KEPT) free.offerFirst(buf);
    }
}
