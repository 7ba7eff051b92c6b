package dev.javelin.train.linear;

/**
 * Per-feature z-scoring, fitted on training features. Sentence embeddings have tiny, uneven
 * coordinates (a unit vector over 384 dimensions); scaling them to unit variance makes one
 * regularisation grid fit every encoder and keeps L-BFGS well conditioned. After fitting, the scaling is
 * folded back into the weights, so the saved head works on raw embeddings.
 */
final class Standardizer {

    /** Features whose spread is below this fraction of the typical one count as constant. */
    private static final double CONSTANT = 1e-4;

    private final double[] mean;
    /** Standard deviations; infinite for constant features, which thus standardise to 0 and get weight 0. */
    private final double[] scale;

    private Standardizer(double[] mean, double[] scale) {
        this.mean = mean;
        this.scale = scale;
    }

    static Standardizer fit(float[][] x) {
        int dim = x[0].length;
        double[] mean = new double[dim];
        for (float[] row : x) {
            for (int h = 0; h < dim; h++) {
                mean[h] += row[h];
            }
        }
        for (int h = 0; h < dim; h++) {
            mean[h] /= x.length;
        }
        double[] variance = new double[dim];
        for (float[] row : x) {
            for (int h = 0; h < dim; h++) {
                double d = row[h] - mean[h];
                variance[h] += d * d;
            }
        }
        double meanVariance = 0;
        for (int h = 0; h < dim; h++) {
            variance[h] /= x.length;
            meanVariance += variance[h] / dim;
        }
        double[] scale = new double[dim];
        for (int h = 0; h < dim; h++) {
            double std = Math.sqrt(variance[h]);
            // Encoders have dead dimensions whose values are rounding noise (all-MiniLM-L6-v2: three with
            // std ≤ 6e-9 against ~0.05 for the rest). Scaled to unit variance they would earn weights of
            // ~1e6 that turn the engine's last-bit differences into different logits: drop them instead.
            scale[h] = std > CONSTANT * Math.sqrt(meanVariance) ? std : Double.POSITIVE_INFINITY;
        }
        return new Standardizer(mean, scale);
    }

    float[][] apply(float[][] x) {
        float[][] out = new float[x.length][];
        for (int i = 0; i < x.length; i++) {
            float[] row = new float[x[i].length];
            for (int h = 0; h < row.length; h++) {
                row[h] = (float) ((x[i][h] - mean[h]) / scale[h]);
            }
            out[i] = row;
        }
        return out;
    }

    /**
     * Turns parameters for standardised features into W', b' for raw ones:
     * W'[c,h] = W[c,h]/σ_h and b'[c] = b[c] − Σ_h W[c,h]·μ_h/σ_h.
     */
    SoftmaxHead fold(double[] params, int classes) {
        int dim = mean.length;
        float[][] weight = new float[classes][dim];
        float[] bias = new float[classes];
        for (int c = 0; c < classes; c++) {
            double b = params[classes * dim + c];
            for (int h = 0; h < dim; h++) {
                double w = params[c * dim + h] / scale[h];
                weight[c][h] = (float) w;
                b -= w * mean[h];
            }
            bias[c] = (float) b;
        }
        return new SoftmaxHead(weight, bias);
    }
}
