package dev.javelin.kernels;

import dev.javelin.tensor.Tensor;

/**
 * Scalar twin of {@link Gelu}, for tests: ½·x·erfc(−x/√2) in double, with erfc from a different
 * method than the kernel's — the Maclaurin series of erf for |w| &lt; 2 and the Laplace continued
 * fraction for w ≥ 2 — accurate to ~1e-13 relative everywhere.
 */
public final class GeluReference {
    private GeluReference() {}

    public static void apply(Tensor x) {
        Elementwise.forEachIndex(x, idx -> {
            double v = x.get(idx);
            x.set((float) (0.5 * v * erfc(-v / Math.sqrt(2))), idx);
        });
    }

    static double erfc(double w) {
        if (Double.isNaN(w)) return w;
        if (w < 0) return 2 - erfc(-w);
        if (w < 2) return 1 - erfSeries(w);
        // erfc(w) = e^(−w²)/√π · 1/(w + (1/2)/(w + 1/(w + (3/2)/(w + 2/(w + …))))), evaluated backwards
        double k = w;
        for (int n = 80; n >= 1; n--) k = w + (n / 2.0) / k;
        return Math.exp(-w * w) / (Math.sqrt(Math.PI) * k);
    }

    /** erf(w) = 2/√π · Σ (−1)ⁿ w^(2n+1) / (n!·(2n+1)); for |w| &lt; 2 the terms stay below 10, so double keeps ~1e-15. */
    private static double erfSeries(double w) {
        double term = w;
        double sum = w;
        for (int n = 1; n < 200; n++) {
            term *= -w * w / n;
            double add = term / (2 * n + 1);
            sum += add;
            if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }
}
