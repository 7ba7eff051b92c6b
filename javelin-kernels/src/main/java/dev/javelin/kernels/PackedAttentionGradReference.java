package dev.javelin.kernels;

/**
 * Scalar twin of {@link PackedAttentionGrad} in double on row-major [T·H] arrays, for tests: the
 * probabilities are recomputed in the backward pass instead of being kept, and the dropout mask is
 * the kernel's own ({@link PackedAttentionGrad#mask}), so both compute the same function.
 */
public final class PackedAttentionGradReference {
    private PackedAttentionGradReference() {}

    public static double[] forward(double[] q, double[] k, double[] v, int[] lengths, int heads, int hidden, float dropout, long seed) {
        double[] out = new double[q.length];
        int d = hidden / heads, start = 0;
        for (int s = 0; s < lengths.length; s++) {
            int len = lengths[s];
            for (int h = 0; h < heads; h++) {
                double[][] p = dropped(probabilities(q, k, start, len, h, d, hidden), dropout, seed, s * heads + h);
                for (int i = 0; i < len; i++) {
                    for (int j = 0; j < len; j++) {
                        for (int c = 0; c < d; c++) out[(start + i) * hidden + h * d + c] += p[i][j] * v[(start + j) * hidden + h * d + c];
                    }
                }
            }
            start += len;
        }
        return out;
    }

    /** Returns {dQ, dK, dV}. */
    public static double[][] backward(double[] q, double[] k, double[] v, double[] dOut, int[] lengths, int heads, int hidden,
                                      float dropout, long seed) {
        double[] dq = new double[q.length], dk = new double[q.length], dv = new double[q.length];
        int d = hidden / heads, start = 0;
        double scale = 1 / Math.sqrt(d);
        for (int s = 0; s < lengths.length; s++) {
            int len = lengths[s];
            for (int h = 0; h < heads; h++) {
                double[][] p = probabilities(q, k, start, len, h, d, hidden);
                double[][] kept = dropped(p, dropout, seed, s * heads + h);
                for (int i = 0; i < len; i++) {
                    double[] dp = new double[len];
                    double rowDot = 0;
                    for (int j = 0; j < len; j++) {
                        double dKept = 0;
                        for (int c = 0; c < d; c++) {
                            dKept += dOut[(start + i) * hidden + h * d + c] * v[(start + j) * hidden + h * d + c];
                            dv[(start + j) * hidden + h * d + c] += kept[i][j] * dOut[(start + i) * hidden + h * d + c];
                        }
                        // kept = p·m, so dL/dp = dL/dkept·m, m being kept/p (0 or 1/(1 − dropout))
                        dp[j] = dKept * maskOf(dropout, seed, s * heads + h, i, j, len);
                        rowDot += p[i][j] * dp[j];
                    }
                    for (int j = 0; j < len; j++) {
                        double g = p[i][j] * (dp[j] - rowDot) * scale;
                        for (int c = 0; c < d; c++) {
                            dq[(start + i) * hidden + h * d + c] += g * k[(start + j) * hidden + h * d + c];
                            dk[(start + j) * hidden + h * d + c] += g * q[(start + i) * hidden + h * d + c];
                        }
                    }
                }
            }
            start += len;
        }
        return new double[][] {dq, dk, dv};
    }

    private static double[][] dropped(double[][] p, float dropout, long seed, int task) {
        int len = p.length;
        double[][] out = new double[len][len];
        for (int i = 0; i < len; i++) {
            for (int j = 0; j < len; j++) out[i][j] = p[i][j] * maskOf(dropout, seed, task, i, j, len);
        }
        return out;
    }

    private static double maskOf(float dropout, long seed, int task, int i, int j, int len) {
        return PackedAttentionGrad.mask(seed, task, i, j, len, Dropout.threshold(dropout), 1 / (1 - dropout));
    }

    private static double[][] probabilities(double[] q, double[] k, int start, int len, int h, int d, int hidden) {
        double scale = 1 / Math.sqrt(d);
        double[][] p = new double[len][len];
        for (int i = 0; i < len; i++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int j = 0; j < len; j++) {
                double dot = 0;
                for (int c = 0; c < d; c++) dot += q[(start + i) * hidden + h * d + c] * k[(start + j) * hidden + h * d + c];
                p[i][j] = dot * scale;
                max = Math.max(max, p[i][j]);
            }
            for (int j = 0; j < len; j++) sum += p[i][j] = Math.exp(p[i][j] - max);
            for (int j = 0; j < len; j++) p[i][j] /= sum;
        }
        return p;
    }
}
