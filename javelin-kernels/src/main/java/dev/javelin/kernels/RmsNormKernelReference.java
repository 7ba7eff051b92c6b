package dev.javelin.kernels;

import dev.javelin.tensor.Tensor;

/** Scalar twin of {@link RmsNormKernel}, for tests: the same formula, in double. */
public final class RmsNormKernelReference {
    private RmsNormKernelReference() {}

    public static void apply(Tensor x, Tensor weight, float eps) {
        int n = Rows.rowLength(x);
        int last = x.rank() - 1;
        Elementwise.forEachRow(x, idx -> {
            double sq = 0;
            for (int j = 0; j < n; j++) {
                idx[last] = j;
                sq += (double) x.get(idx) * x.get(idx);
            }
            double inv = 1 / Math.sqrt(sq / n + eps);
            for (int j = 0; j < n; j++) {
                idx[last] = j;
                x.set((float) (x.get(idx) * inv * weight.get(j)), idx);
            }
        });
    }
}
