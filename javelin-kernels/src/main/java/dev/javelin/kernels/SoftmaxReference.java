package dev.javelin.kernels;

import dev.javelin.tensor.Tensor;

/** Scalar twin of {@link Softmax}, for tests: the same stable formula, in double. */
public final class SoftmaxReference {
    private SoftmaxReference() {}

    public static void rows(Tensor x) {
        int n = Rows.rowLength(x);
        int last = x.rank() - 1;
        if (n == 0) return;
        Elementwise.forEachRow(x, idx -> {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                if (last >= 0) idx[last] = j;
                max = Math.max(max, x.get(idx));
            }
            double sum = 0;
            for (int j = 0; j < n; j++) {
                if (last >= 0) idx[last] = j;
                sum += Math.exp(x.get(idx) - max);
            }
            for (int j = 0; j < n; j++) {
                if (last >= 0) idx[last] = j;
                x.set((float) (Math.exp(x.get(idx) - max) / sum), idx);
            }
        });
    }
}
