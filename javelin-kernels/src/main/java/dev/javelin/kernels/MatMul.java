package dev.javelin.kernels;

import static dev.javelin.kernels.Simd.F;

import dev.javelin.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * Matrix products. Inputs are 2-D (or 3-D for {@link #batched}) views of any strides, so transpose
 * views and row slices work without copies. The output is overwritten.
 *
 * <p>INTERIM BODY: copies operands to heap arrays and runs a vectorised row loop; the blocked,
 * packed micro-kernel version replaces it (issue 2).
 */
public final class MatMul {
    private MatMul() {}

    /** C[M,N] = A[M,K] · B[K,N], on the shared pool. */
    public static void matmul(Tensor a, Tensor b, Tensor c) {
        matmul(a, b, c, ComputePool.shared());
    }

    /** C[M,N] = A[M,K] · B[K,N]. */
    public static void matmul(Tensor a, Tensor b, Tensor c, ComputePool pool) {
        requireRank("matmul A", a, 2);
        requireRank("matmul B", b, 2);
        requireRank("matmul C", c, 2);
        int m = a.dim(0), k = a.dim(1), n = b.dim(1);
        if (b.dim(0) != k) {
            throw new IllegalArgumentException("matmul: inner dimensions differ: A " + Arrays.toString(a.shape())
                    + " · B " + Arrays.toString(b.shape()));
        }
        c.requireShape("matmul C", m, n);
        compute(a, b, c, pool);
    }

    /** C[M,N] = A[M,K] · B[N,K]ᵀ — what a linear layer with PyTorch-layout weights needs — on the shared pool. */
    public static void matmulTransB(Tensor a, Tensor b, Tensor c) {
        matmulTransB(a, b, c, ComputePool.shared());
    }

    /** C[M,N] = A[M,K] · B[N,K]ᵀ. */
    public static void matmulTransB(Tensor a, Tensor b, Tensor c, ComputePool pool) {
        requireRank("matmulTransB A", a, 2);
        requireRank("matmulTransB B", b, 2);
        requireRank("matmulTransB C", c, 2);
        int m = a.dim(0), k = a.dim(1), n = b.dim(0);
        if (b.dim(1) != k) {
            throw new IllegalArgumentException("matmulTransB: inner dimensions differ: A " + Arrays.toString(a.shape())
                    + " · B " + Arrays.toString(b.shape()) + "ᵀ");
        }
        c.requireShape("matmulTransB C", m, n);
        compute(a, b.t(), c, pool);
    }

    /** C[i] = A[i] · B[i] for every i: A[B,M,K], B[B,K,N], C[B,M,N], on the shared pool. */
    public static void batched(Tensor a, Tensor b, Tensor c) {
        batched(a, b, c, ComputePool.shared());
    }

    /** C[i] = A[i] · B[i] for every i: A[B,M,K], B[B,K,N], C[B,M,N]. */
    public static void batched(Tensor a, Tensor b, Tensor c, ComputePool pool) {
        requireRank("batched A", a, 3);
        requireRank("batched B", b, 3);
        requireRank("batched C", c, 3);
        int batch = a.dim(0);
        if (b.dim(0) != batch || c.dim(0) != batch) {
            throw new IllegalArgumentException("batched matmul: batch sizes differ: A " + Arrays.toString(a.shape())
                    + ", B " + Arrays.toString(b.shape()) + ", C " + Arrays.toString(c.shape()));
        }
        int m = a.dim(1), k = a.dim(2), n = b.dim(2);
        if (b.dim(1) != k) {
            throw new IllegalArgumentException("batched matmul: inner dimensions differ: A " + Arrays.toString(a.shape())
                    + " · B " + Arrays.toString(b.shape()));
        }
        c.requireShape("batched C", batch, m, n);
        for (int i = 0; i < batch; i++) compute(a.get0(i), b.get0(i), c.get0(i), pool);
    }

    static void requireRank(String what, Tensor t, int rank) {
        if (t.rank() != rank) {
            throw new IllegalArgumentException(what + ": expected a " + rank + "-D tensor, got shape "
                    + Arrays.toString(t.shape()));
        }
    }

    private static void compute(Tensor a, Tensor b, Tensor c, ComputePool pool) {
        int m = a.dim(0), k = a.dim(1), n = b.dim(1);
        if (m == 0 || n == 0) return;
        float[] av = a.toArray();
        float[] bv = b.toArray();
        MemorySegment cs = Simd.shareable(c.segment());
        long cOff = c.offset(), cRow = c.stride(0), cCol = c.stride(1);
        pool.parallelFor(m, i -> {
            float[] row = new float[n];
            for (int p = 0; p < k; p++) {
                float aip = av[i * k + p];
                int j = 0;
                for (int bound = F.loopBound(n); j < bound; j += F.length()) {
                    FloatVector.fromArray(F, bv, p * n + j).fma(FloatVector.broadcast(F, aip), FloatVector.fromArray(F, row, j)).intoArray(row, j);
                }
                for (; j < n; j++) row[j] += aip * bv[p * n + j];
            }
            for (int j = 0; j < n; j++) cs.setAtIndex(Tensor.F32, cOff + i * cRow + j * cCol, row[j]);
        });
    }
}
