package dev.javelin.kernels;

import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Recycled heap arrays for packed matmul operands. Packing buffers run to megabytes; allocating
 * them per call would zero them and churn the GC on every linear layer. Callers may be virtual
 * threads (the server), so buffers are pooled per purpose rather than per thread.
 */
final class PackBuffers {
    /** Enough for every thread of a pool plus a few concurrent callers; extras are left to the GC. */
    private static final int MAX_KEPT = 16;

    private final ConcurrentLinkedDeque<float[]> free = new ConcurrentLinkedDeque<>();

    /**
     * An array of at least {@code size} floats with unspecified contents. A pooled array that is too
     * small is dropped, so a pool serving several sizes converges on arrays fit for the largest.
     */
    float[] take(int size) {
        float[] buf;
        while ((buf = free.pollFirst()) != null) {
            if (buf.length >= size) return buf;
        }
        return new float[size];
    }

    void give(float[] buf) {
        if (free.size() < MAX_KEPT) free.offerFirst(buf);
    }
}
