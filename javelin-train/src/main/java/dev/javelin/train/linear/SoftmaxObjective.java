package dev.javelin.train.linear;

import java.util.stream.IntStream;

/**
 * The multinomial logistic-regression objective: mean cross-entropy of softmax(W·x + b) plus
 * (λ/2)·‖W‖² (the bias is not penalised). Parameters are laid out as W [C,H] row-major, then b [C].
 *
 * <p>Examples are split into a fixed number of chunks whose partial sums are added in chunk order,
 * so the result is bit-for-bit the same whatever the number of threads.
 */
final class SoftmaxObjective implements Lbfgs.Objective {

    private static final int CHUNKS = 64;

    private final float[][] x;
    private final int[] y;
    private final int classes;
    private final int dim;
    private final double l2;

    SoftmaxObjective(float[][] x, int[] y, int classes, double l2) {
        this.x = x;
        this.y = y;
        this.classes = classes;
        this.dim = x[0].length;
        this.l2 = l2;
    }

    static int parameterCount(int classes, int dim) {
        return classes * dim + classes;
    }

    @Override
    public double evaluate(double[] params, double[] gradient) {
        int n = x.length;
        int chunks = Math.min(CHUNKS, n);
        double[][] partialGrad = new double[chunks][gradient.length];
        double[] partialLoss = new double[chunks];
        IntStream.range(0, chunks).parallel().forEach(c -> partialLoss[c] = chunk(params,
                (int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks), partialGrad[c]));
        double loss = 0;
        java.util.Arrays.fill(gradient, 0);
        for (int c = 0; c < chunks; c++) {
            loss += partialLoss[c];
            double[] part = partialGrad[c];
            for (int i = 0; i < gradient.length; i++) {
                gradient[i] += part[i];
            }
        }
        double penalty = 0;
        int weights = classes * dim;
        for (int i = 0; i < gradient.length; i++) {
            gradient[i] /= n;
            if (i < weights) {
                penalty += params[i] * params[i];
                gradient[i] += l2 * params[i];
            }
        }
        return loss / n + 0.5 * l2 * penalty;
    }

    /** Sum of the cross-entropies of examples [from, to); their gradient added to grad. */
    private double chunk(double[] params, int from, int to, double[] grad) {
        double[] logits = new double[classes];
        double loss = 0;
        int biasAt = classes * dim;
        for (int i = from; i < to; i++) {
            float[] xi = x[i];
            logits(params, xi, logits);
            double logSum = logSumExp(logits);
            loss += logSum - logits[y[i]];
            for (int c = 0; c < classes; c++) {
                double residual = Math.exp(logits[c] - logSum) - (c == y[i] ? 1 : 0);
                int row = c * dim;
                for (int h = 0; h < dim; h++) {
                    grad[row + h] += residual * xi[h];
                }
                grad[biasAt + c] += residual;
            }
        }
        return loss;
    }

    /** logits[c] = b[c] + W[c]·x for parameters laid out as this objective's. */
    static void logits(double[] params, float[] xi, double[] logits) {
        int classes = logits.length;
        int dim = xi.length;
        for (int c = 0; c < classes; c++) {
            int row = c * dim;
            double z = params[classes * dim + c];
            for (int h = 0; h < dim; h++) {
                z += params[row + h] * xi[h];
            }
            logits[c] = z;
        }
    }

    static double logSumExp(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (double v : z) {
            sum += Math.exp(v - max);
        }
        return max + Math.log(sum);
    }
}
