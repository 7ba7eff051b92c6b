package dev.javelin.bench.matmul;

/** The textbook triple loop the seed articles start from: C[i][j] = Σₖ A[i][k]·B[k][j], row-major arrays. */
final class NaiveMatMul {
    private NaiveMatMul() {}

    static void multiply(float[] a, float[] b, float[] c, int n) {
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                float sum = 0;
                for (int k = 0; k < n; k++) sum += a[i * n + k] * b[k * n + j];
                c[i * n + j] = sum;
            }
        }
    }
}
