package dev.javelin.kernels;

import dev.javelin.tensor.Tensor;

/**
 * Matrix products. Inputs are 2-D (or 3-D for {@link #batched}) views whose rows or columns are
 * unit-stride, so transpose views and row slices work without copies. The output is overwritten.
 *
 * <p>PLACEHOLDER BODY: a plain triple loop until the blocked SIMD kernel lands (issue 2).
 */
public final class MatMul {
    private MatMul() {}

    /** C[M,N] = A[M,K] · B[K,N]. */
    public static void matmul(Tensor a, Tensor b, Tensor c) {
        int m = a.dim(0), k = a.dim(1), n = b.dim(1);
        b.requireShape("matmul B", k, n);
        c.requireShape("matmul C", m, n);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = 0;
                for (int p = 0; p < k; p++) s += a.get(i, p) * b.get(p, j);
                c.set(s, i, j);
            }
        }
    }

    /** C[M,N] = A[M,K] · B[N,K]ᵀ — the product a linear layer with PyTorch-layout weights needs. */
    public static void matmulTransB(Tensor a, Tensor b, Tensor c) {
        matmul(a, b.t(), c);
    }

    /** C[b] = A[b] · B[b] for every b: A[B,M,K], B[B,K,N], C[B,M,N]. */
    public static void batched(Tensor a, Tensor b, Tensor c) {
        int batch = a.dim(0);
        if (b.dim(0) != batch || c.dim(0) != batch) {
            throw new IllegalArgumentException("batched matmul: batch sizes differ: " + a + " " + b + " " + c);
        }
        for (int i = 0; i < batch; i++) matmul(a.get0(i), b.get0(i), c.get0(i));
    }
}
