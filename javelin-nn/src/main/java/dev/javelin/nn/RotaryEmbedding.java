package dev.javelin.nn;

import dev.javelin.kernels.Rope;
import dev.javelin.tensor.Tensor;

/**
 * Rotary position embedding tables for one head size: angle position·θ_c for c < headDim/2, with
 * θ given by the model (θ_c = base^(−2c/headDim) by default; GTE scales it NTK-style). Tables are
 * computed in float32 as Hugging Face computes them (float positions × float frequencies, then
 * cos/sin), grown on demand to the longest sequence seen, and shared by every layer using the same θ.
 */
public final class RotaryEmbedding {
    private final float[] inverseFrequencies;
    private final int headDim;
    private final int maxPositions;
    private volatile Tables tables = new Tables(0, new float[0], new float[0]);

    private record Tables(int positions, float[] cos, float[] sin) {}

    /**
     * @param inverseFrequencies θ_c for c &lt; headDim/2
     * @param maxPositions       the longest sequence the model accepts
     */
    public RotaryEmbedding(float[] inverseFrequencies, int headDim, int maxPositions) {
        if (headDim % 2 != 0 || inverseFrequencies.length != headDim / 2) {
            throw new IllegalArgumentException(inverseFrequencies.length + " rotary frequencies for head size " + headDim
                    + "; expected headDim / 2 of an even head size");
        }
        if (maxPositions < 1) throw new IllegalArgumentException("rotary embedding needs at least one position, got " + maxPositions);
        this.inverseFrequencies = inverseFrequencies.clone();
        this.headDim = headDim;
        this.maxPositions = maxPositions;
    }

    /** θ_c = 1 / base^(2c/dim) in float32, as {@code 1.0 / (base ** (torch.arange(0, dim, 2).float() / dim))}. */
    public static float[] defaultFrequencies(double base, int dim) {
        float[] f = new float[dim / 2];
        for (int c = 0; c < f.length; c++) f[c] = 1f / (float) Math.pow(base, (float) (2 * c) / dim);
        return f;
    }

    public int headDim() { return headDim; }

    public int maxPositions() { return maxPositions; }

    /** Rotates every head of x [T, heads·headDim] (unit column stride) in place, row t at position positions[t]. */
    public void apply(Tensor x, int heads, int[] positions) {
        int longest = 0;
        for (int p : positions) longest = Math.max(longest, p + 1);
        Tables t = tablesFor(longest);
        Rope.apply(x, heads, headDim, positions, t.cos(), t.sin());
    }

    private Tables tablesFor(int positions) {
        if (positions > maxPositions) {
            throw new IllegalArgumentException("position " + (positions - 1) + " is past the model's " + maxPositions + " positions");
        }
        Tables t = tables;
        if (t.positions() >= positions) return t;
        synchronized (this) {
            t = tables;
            if (t.positions() >= positions) return t;
            int n = (int) Math.min(maxPositions, Math.max(positions, Math.max(64, 2L * t.positions())));
            int half = headDim / 2;
            float[] cos = new float[n * half], sin = new float[n * half];
            for (int p = 0; p < n; p++) {
                for (int c = 0; c < half; c++) {
                    float angle = (float) p * inverseFrequencies[c];
                    cos[p * half + c] = (float) Math.cos(angle);
                    sin[p * half + c] = (float) Math.sin(angle);
                }
            }
            tables = t = new Tables(n, cos, sin);
            return t;
        }
    }
}
