package dev.javelin.bench.matmul;

/**
 * One measured row of {@code bench matmul}.
 *
 * @param impl   the JSON key: java-naive, javelin, numpy or pytorch
 * @param label  what the table shows, e.g. the BLAS a Python row really used
 */
record MatMulRow(String impl, String label, int threads, int n, double seconds, int runs, double peakRssMb) {
    double gflops() {
        return 2.0 * n * n * n / seconds / 1e9;
    }
}
