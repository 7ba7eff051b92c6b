package dev.javelin.kernels;

import dev.javelin.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * Inverted dropout with a stateless mask: element i is kept when a 64-bit mix of (seed, i) falls
 * below the keep probability, and kept elements are scaled by 1/(1 − p). The mask is a pure function
 * of the seed, so it is the same on any thread count, needs no storage between the forward and the
 * backward pass, and the backward pass is this same call on the gradient with the same seed.
 */
public final class Dropout {
    private Dropout() {}

    private static final int ROW_BLOCK = 64;

    /** x ← x ∘ mask(seed)/(1 − p) in place, x [T, N] contiguous; p = 0 leaves x as it is. */
    public static void apply(Tensor x, float p, long seed) {
        long threshold = threshold(p);
        if (p == 0) return;
        MatMul.requireRank("dropout x", x, 2);
        int t = x.dim(0), n = x.dim(1);
        MemorySegment seg = Simd.shareable(x.requireContiguous("dropout x").segment());
        long off = x.offset();
        float scale = 1 / (1 - p);
        ComputePool.shared().parallelFor((t + ROW_BLOCK - 1) / ROW_BLOCK, blk -> {
            float[] row = new float[n];
            for (int r = blk * ROW_BLOCK, end = Math.min(t, r + ROW_BLOCK); r < end; r++) {
                long base = (off + (long) r * n) * Float.BYTES;
                MemorySegment.copy(seg, Tensor.F32, base, row, 0, n);
                for (int i = 0; i < n; i++) row[i] = kept(seed, (long) r * n + i, threshold) ? row[i] * scale : 0f;
                MemorySegment.copy(row, 0, seg, Tensor.F32, base, n);
            }
        });
    }

    /** p·2⁵³, what {@link #kept} compares against; p must be in [0, 1). */
    static long threshold(float p) {
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        return (long) (p * 0x1p53);
    }

    /** Whether element {@code index} survives: the top 53 bits of SplitMix64's finaliser on (seed, index), against p·2⁵³. */
    static boolean kept(long seed, long index, long threshold) {
        long z = seed + (index + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (z >>> 11) >= threshold;
    }
}
