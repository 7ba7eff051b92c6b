package dev.javelin.kernels;

import dev.javelin.tensor.Tensor;

/** Scalar twin of {@link LayerNormKernel}, for tests: the same formula, in double. */
public final class LayerNormKernelReference {
    private LayerNormKernelReference() {}

    public static void apply(Tensor x, Tensor gamma, Tensor beta, float eps) {
        int n = Rows.rowLength(x);
        int last = x.rank() - 1;
        if (n == 0) return;
        Elementwise.forEachRow(x, idx -> {
            double sum = 0;
            for (int j = 0; j < n; j++) {
                if (last >= 0) idx[last] = j;
                sum += x.get(idx);
            }
            double mean = sum / n;
            double sq = 0;
            for (int j = 0; j < n; j++) {
                if (last >= 0) idx[last] = j;
                double d = x.get(idx) - mean;
                sq += d * d;
            }
            double rstd = 1 / Math.sqrt(sq / n + eps);
            for (int j = 0; j < n; j++) {
                if (last >= 0) idx[last] = j;
                x.set((float) ((x.get(idx) - mean) * rstd * gamma.get(j) + beta.get(j)), idx);
            }
        });
    }
}
