package dev.javelin.kernels;

import dev.javelin.tensor.Tensor;

/** Scalar twin of {@link ScaledDotProductAttention}: the textbook formula, one element at a time. */
public final class ScaledDotProductAttentionReference {
    private ScaledDotProductAttentionReference() {}

    public static void apply(Tensor q, Tensor k, Tensor v, Tensor out, float scale, float[] keyBias) {
        apply(q, k, v, out, scale, keyBias, null, AttentionWindow.FULL);
    }

    public static void apply(Tensor q, Tensor k, Tensor v, Tensor out, float scale, float[] keyBias, float[] relativeBias,
                             AttentionWindow window) {
        ScaledDotProductAttention.check(q, k, v, out, keyBias, relativeBias);
        int len = q.dim(0), d = q.dim(1);
        float[] scores = new float[len];
        for (int i = 0; i < len; i++) {
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < len; j++) {
                float dot = 0;
                for (int c = 0; c < d; c++) dot += q.get(i, c) * k.get(j, c);
                scores[j] = dot * scale + (keyBias == null ? 0 : keyBias[j]) + (relativeBias == null ? 0 : relativeBias[j - i + len - 1]);
                boolean visible = (long) j >= (long) i - window.before() && (long) j <= (long) i + window.after();
                if (!visible) scores[j] = -Float.MAX_VALUE;
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
