package dev.javelin.kernels;

import dev.javelin.tensor.Tensor;

/**
 * Scalar twin of {@link MatMul}, for tests: the textbook triple loop through {@link Tensor#get},
 * summing in double so it is accurate to ~1e-16 relative and test tolerances only have to cover the
 * kernel's own float rounding.
 */
public final class MatMulReference {
    private MatMulReference() {}

    public static void matmul(Tensor a, Tensor b, Tensor c) {
        int m = a.dim(0), k = a.dim(1), n = b.dim(1);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) s += (double) a.get(i, p) * b.get(p, j);
                c.set((float) s, i, j);
            }
        }
    }

    public static void matmulTransB(Tensor a, Tensor b, Tensor c) {
        matmul(a, b.t(), c);
    }

    public static void batched(Tensor a, Tensor b, Tensor c) {
        for (int i = 0; i < a.dim(0); i++) matmul(a.get0(i), b.get0(i), c.get0(i));
    }

    /**
     * C = A · W for a packed weight of any format, each weight taken as the F32 value it stands for
     * ({@link PackedWeight#get}: an int8 value times its column's scale, a widened bf16/F16).
     */
    public static void matmul(Tensor a, PackedWeight w, Tensor c) {
        int m = a.dim(0), k = a.dim(1), n = w.columns();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) s += (double) a.get(i, p) * w.get(p, j);
                c.set((float) s, i, j);
            }
        }
    }
}
