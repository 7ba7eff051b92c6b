package dev.javelin.kernels;

/** Scalar twin of {@link PackedMeanPooling} in double on row-major arrays, for tests. */
public final class PackedMeanPoolingReference {
    private PackedMeanPoolingReference() {}

    /** The pooled [S·H] of rows [T·H] split into sequences of {@code lengths}. */
    public static double[] forward(double[] x, int[] lengths, int hidden) {
        double[] out = new double[lengths.length * hidden];
        int t = 0;
        for (int s = 0; s < lengths.length; s++) {
            for (int i = 0; i < lengths[s]; i++, t++) {
                for (int c = 0; c < hidden; c++) out[s * hidden + c] += x[t * hidden + c] / lengths[s];
            }
        }
        return out;
    }

    /** dX [T·H] from dOut [S·H]. */
    public static double[] backward(double[] dOut, int[] lengths, int hidden) {
        int total = 0;
        for (int len : lengths) total += len;
        double[] dx = new double[total * hidden];
        int t = 0;
        for (int s = 0; s < lengths.length; s++) {
            for (int i = 0; i < lengths[s]; i++, t++) {
                for (int c = 0; c < hidden; c++) dx[t * hidden + c] = dOut[s * hidden + c] / lengths[s];
            }
        }
        return dx;
    }
}
