package dev.javelin.kernels;

/**
 * Scalar twin of {@link LayerNormGrad} in double, row by row, for tests: the textbook formulas on
 * row-major arrays, with the statistics recomputed from x rather than taken from the forward pass.
 */
public final class LayerNormGradReference {
    private LayerNormGradReference() {}

    /** y [T·H] = γ·(x − μ)/σ + β per row. */
    public static double[] forward(double[] x, double[] gamma, double[] beta, double eps, int t, int h) {
        double[] y = new double[t * h];
        for (int r = 0; r < t; r++) {
            double mu = mean(x, r, h), rs = inverseStd(x, r, h, mu, eps);
            for (int i = 0; i < h; i++) y[r * h + i] = gamma[i] * (x[r * h + i] - mu) * rs + beta[i];
        }
        return y;
    }

    /** dx, and dγ, dβ added into the given arrays. */
    public static double[] backward(double[] dy, double[] x, double[] gamma, double eps, int t, int h,
                                    double[] dGamma, double[] dBeta) {
        double[] dx = new double[t * h];
        for (int r = 0; r < t; r++) {
            double mu = mean(x, r, h), rs = inverseStd(x, r, h, mu, eps);
            double sumG = 0, sumGx = 0;
            for (int i = 0; i < h; i++) {
                double xh = (x[r * h + i] - mu) * rs, gi = gamma[i] * dy[r * h + i];
                dGamma[i] += dy[r * h + i] * xh;
                dBeta[i] += dy[r * h + i];
                sumG += gi;
                sumGx += gi * xh;
            }
            for (int i = 0; i < h; i++) {
                double xh = (x[r * h + i] - mu) * rs;
                dx[r * h + i] = rs * (gamma[i] * dy[r * h + i] - sumG / h - xh * sumGx / h);
            }
        }
        return dx;
    }

    private static double mean(double[] x, int r, int h) {
        double mu = 0;
        for (int i = 0; i < h; i++) mu += x[r * h + i];
        return mu / h;
    }

    private static double inverseStd(double[] x, int r, int h, double mu, double eps) {
        double var = 0;
        for (int i = 0; i < h; i++) var += (x[r * h + i] - mu) * (x[r * h + i] - mu);
        return 1 / Math.sqrt(var / h + eps);
    }
}
