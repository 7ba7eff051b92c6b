package dev.javelin.kernels;

import dev.javelin.tensor.Tensor;

/** Scalar twin of {@link GatedLinearUnit}, on the reference activations. */
public final class GatedLinearUnitReference {
    private GatedLinearUnitReference() {}

    public static void apply(Tensor in, Tensor out, GatedLinearUnit.Activation activation, boolean activateFirst) {
        GatedLinearUnit.check(in, out);
        int n = out.dim(1);
        for (int t = 0; t < out.dim(0); t++) {
            for (int c = 0; c < n; c++) {
                double a = in.get(t, activateFirst ? c : n + c), b = in.get(t, activateFirst ? n + c : c);
                double act = activation == GatedLinearUnit.Activation.GELU
                        ? 0.5 * a * GeluReference.erfc(-a / Math.sqrt(2))
                        : a / (1 + Math.exp(-a));
                out.set((float) (act * b), t, c);
            }
        }
    }
}
