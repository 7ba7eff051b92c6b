package dev.javelin.engine;

import java.util.Arrays;

/** The vector arithmetic of post-processing: L2 normalisation, Matryoshka truncation, cosine similarity. */
public final class Vectors {
    private Vectors() {}

    /**
     * {@code v / max(||v||, 1e-12)} as a new vector: torch.nn.functional.normalize, which
     * sentence-transformers' Normalize module and TEI apply; a zero vector stays zero.
     */
    public static float[] normalized(float[] v) {
        double sq = 0;
        for (float x : v) sq += (double) x * x;
        float inv = (float) (1 / Math.max(Math.sqrt(sq), 1e-12));
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) out[i] = v[i] * inv;
        return out;
    }

    /** The first {@code dimensions} components (a Matryoshka embedding's prefix); v itself when it is not longer. */
    public static float[] truncated(float[] v, int dimensions) {
        return dimensions < v.length ? Arrays.copyOf(v, dimensions) : v;
    }

    /** {@code a·b / (||a|| ||b||)}, in double; 0 when either is a zero vector. */
    public static float cosine(float[] a, float[] b) {
        if (a.length != b.length) throw new IllegalArgumentException("vectors of width " + a.length + " and " + b.length);
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : (float) (dot / Math.sqrt(na * nb));
    }
}
