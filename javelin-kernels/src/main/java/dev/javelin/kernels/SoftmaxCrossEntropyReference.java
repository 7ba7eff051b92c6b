package dev.javelin.kernels;

/** Scalar twin of {@link SoftmaxCrossEntropy} in double: probabilities normalised explicitly, no log-sum-exp. */
public final class SoftmaxCrossEntropyReference {
    private SoftmaxCrossEntropyReference() {}

    public static double loss(double[] logits, int[] labels, int classes) {
        double loss = 0;
        for (int r = 0; r < labels.length; r++) loss -= Math.log(probabilities(logits, r, classes)[labels[r]]);
        return loss / labels.length;
    }

    public static double[] gradient(double[] logits, int[] labels, int classes) {
        double[] g = new double[logits.length];
        for (int r = 0; r < labels.length; r++) {
            double[] p = probabilities(logits, r, classes);
            for (int c = 0; c < classes; c++) g[r * classes + c] = (p[c] - (c == labels[r] ? 1 : 0)) / labels.length;
        }
        return g;
    }

    private static double[] probabilities(double[] logits, int row, int classes) {
        double[] p = new double[classes];
        double sum = 0;
        for (int c = 0; c < classes; c++) sum += p[c] = Math.exp(logits[row * classes + c]);
        for (int c = 0; c < classes; c++) p[c] /= sum;
        return p;
    }
}
