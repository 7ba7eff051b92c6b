package dev.javelin.kernels;

/**
 * Mean cross-entropy of softmax(logits) against integer labels, and its gradient
 * (softmax − one-hot)/N, computed together with the max-shifted log-sum-exp so neither overflows.
 */
public final class SoftmaxCrossEntropy {
    private SoftmaxCrossEntropy() {}

    /** logits [n·classes] row-major; writes dLogits (same layout) and returns the mean loss. */
    public static double lossAndGradient(float[] logits, int[] labels, int classes, float[] dLogits) {
        int n = labels.length;
        if (logits.length != n * classes || dLogits.length != logits.length) {
            throw new IllegalArgumentException("cross-entropy: " + logits.length + " logits for " + n + " labels × " + classes + " classes");
        }
        double loss = 0;
        for (int r = 0; r < n; r++) {
            int y = labels[r];
            if (y < 0 || y >= classes) throw new IllegalArgumentException("cross-entropy: label " + y + " outside [0, " + classes + ")");
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) max = Math.max(max, logits[r * classes + c]);
            double sum = 0;
            for (int c = 0; c < classes; c++) sum += Math.exp(logits[r * classes + c] - max);
            double logSum = max + Math.log(sum);
            loss += logSum - logits[r * classes + y];
            for (int c = 0; c < classes; c++) {
                double p = Math.exp(logits[r * classes + c] - logSum);
                dLogits[r * classes + c] = (float) ((p - (c == y ? 1 : 0)) / n);
            }
        }
        return loss / n;
    }
}
