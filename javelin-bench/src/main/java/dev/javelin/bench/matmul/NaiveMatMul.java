package dev.javelin.bench.matmul;

/** The textbook triple loop the seed articles start from: C[i][j] = Σₖ A[i][k]·B[k][j], row-major arrays. */
final class NaiveMatMul {
    private NaiveMatMul() {}

    static void multiply(float[] a, float[] b, float[] c, int n) {
        multiplyRows(a, b, c, n, n);
    }

    /** The first {@code rows} rows of C only: every row costs the same n² multiply-adds. */
    static void multiplyRows(float[] a, float[] b, float[] c, int n, int rows) {
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < n; j++) {
                float sum = 0;
                for (int k = 0; k < n; k++) sum += a[i * n + k] * b[k * n + j];
                c[i * n + j] = sum;
            }
        }
    }
}
