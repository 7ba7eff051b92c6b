package dev.javelin.engine;

/**
 * {@code y = W·x + b} on one sentence vector, accumulated in double: a Javelin classification head's
 * logits and a sentence-transformers Dense layer's pre-activation.
 *
 * @param weight [out][in]
 * @param bias   [out], or null for none
 */
record LinearMap(float[][] weight, float[] bias) {

    LinearMap {
        if (weight.length == 0) throw new IllegalArgumentException("a linear map needs at least one output");
        if (bias != null && bias.length != weight.length) {
            throw new IllegalArgumentException(weight.length + " weight rows but " + bias.length + " biases");
        }
    }

    int in() {
        return weight[0].length;
    }

    int out() {
        return weight.length;
    }

    float[] apply(float[] x) {
        if (x.length != in()) throw new IllegalArgumentException("a vector of width " + x.length + " for a map of width " + in());
        float[] y = new float[weight.length];
        for (int o = 0; o < weight.length; o++) {
            double z = bias == null ? 0 : bias[o];
            float[] w = weight[o];
            for (int i = 0; i < w.length; i++) z += w[i] * x[i];
            y[o] = (float) z;
        }
        return y;
    }

    /** Rows of a [rows, cols] row-major array. */
    static float[][] rows(float[] flat, int rows, int cols) {
        float[][] out = new float[rows][cols];
        for (int r = 0; r < rows; r++) System.arraycopy(flat, r * cols, out[r], 0, cols);
        return out;
    }
}
