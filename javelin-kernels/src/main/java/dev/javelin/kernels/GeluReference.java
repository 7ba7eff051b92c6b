package dev.javelin.kernels;

import dev.javelin.tensor.Tensor;

/**
 * Scalar twin of {@link Gelu}, for tests: ½·x·(1 + erf(x/√2)) with erf from its Maclaurin series in
 * double — a different method from the kernel's, accurate to ~1e-10 where used.
 */
public final class GeluReference {
    private GeluReference() {}

    public static void apply(Tensor x) {
        Elementwise.forEachIndex(x, idx -> {
            double v = x.get(idx);
            x.set((float) (0.5 * v * (1 + erf(v / Math.sqrt(2)))), idx);
        });
    }

    /**
     * erf(z) = 2/√π · Σ (−1)ⁿ z^(2n+1) / (n!·(2n+1)). For |z| ≤ 4 the terms peak near 1e6, so double
     * keeps ~1e-10; beyond 4, 1 − |erf(z)| &lt; 1.6e-8, which rounds to 1 in float anyway.
     */
    static double erf(double z) {
        if (Double.isNaN(z)) return z;
        if (Math.abs(z) > 4) return Math.signum(z);
        double term = z;
        double sum = z;
        for (int n = 1; n < 200; n++) {
            term *= -z * z / n;
            double add = term / (2 * n + 1);
            sum += add;
            if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }
}
