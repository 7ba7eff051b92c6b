package dev.javelin.kernels;

import dev.javelin.tensor.Tensor;

/** Scalar twin of {@link ScaledDotProductAttention}: the textbook formula, one element at a time. */
public final class ScaledDotProductAttentionReference {
    private ScaledDotProductAttentionReference() {}

    public static void apply(Tensor q, Tensor k, Tensor v, Tensor out, float scale, float[] keyBias) {
        ScaledDotProductAttention.check(q, k, v, out, keyBias);
        int len = q.dim(0), d = q.dim(1);
        float[] scores = new float[len];
        for (int i = 0; i < len; i++) {
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < len; j++) {
                float dot = 0;
                for (int c = 0; c < d; c++) dot += q.get(i, c) * k.get(j, c);
                scores[j] = dot * scale + (keyBias == null ? 0 : keyBias[j]);
                max = Math.max(max, scores[j]);
            }
            float sum = 0;
            for (int j = 0; j < len; j++) {
                scores[j] = (float) Math.exp(scores[j] - max);
                sum += scores[j];
            }
            for (int c = 0; c < d; c++) {
                float o = 0;
                for (int j = 0; j < len; j++) o += scores[j] / sum * v.get(j, c);
                out.set(o, i, c);
            }
        }
    }
}
