package dev.javelin.kernels;

import dev.javelin.tensor.Tensor;

/** Scalar twin of {@link Rope}: Hugging Face's q·cos + rotate_half(q)·sin, one element at a time. */
public final class RopeReference {
    private RopeReference() {}

    public static void apply(Tensor x, int heads, int headDim, int[] positions, float[] cos, float[] sin) {
        Rope.check(x, heads, headDim, positions, cos, sin);
        int half = headDim / 2;
        for (int t = 0; t < x.dim(0); t++) {
            int row = positions[t] * half;
            for (int h = 0; h < heads; h++) {
                for (int c = 0; c < half; c++) {
                    int a = h * headDim + c, b = a + half;
                    float x1 = x.get(t, a), x2 = x.get(t, b);
                    x.set(x1 * cos[row + c] + -x2 * sin[row + c], t, a);
                    x.set(x2 * cos[row + c] + x1 * sin[row + c], t, b);
                }
            }
        }
    }
}
