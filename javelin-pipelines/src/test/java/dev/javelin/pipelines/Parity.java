package dev.javelin.pipelines;

/** Agreement measures between Javelin and the reference, and a log line per comparison for the record. */
final class Parity {
    private Parity() {}

    static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    static void log(String what, double maxAbs, double minCosine) {
        System.out.printf("[parity] %-60s max|Δ| = %.2e   min cosine = %.8f%n", what, maxAbs, minCosine);
    }
}
