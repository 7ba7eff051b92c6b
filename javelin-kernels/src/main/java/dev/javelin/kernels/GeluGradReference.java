package dev.javelin.kernels;

/** Scalar twin of {@link GeluGrad} in double, with Φ from {@link GeluReference}'s independent erfc. */
public final class GeluGradReference {
    private GeluGradReference() {}

    /** GELU(x) = x·Φ(x). */
    public static double gelu(double x) {
        return 0.5 * x * GeluReference.erfc(-x / Math.sqrt(2));
    }

    /** GELU′(x) = Φ(x) + x·φ(x). */
    public static double derivative(double x) {
        return 0.5 * GeluReference.erfc(-x / Math.sqrt(2)) + x * Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
    }
}
