package dev.javelin.kernels;

import dev.javelin.tensor.Tensor;

/** Scalar twin of {@link Silu}: x / (1 + e^−x) in double. */
public final class SiluReference {
    private SiluReference() {}

    public static void apply(Tensor x) {
        Elementwise.forEachIndex(x, idx -> x.set((float) (x.get(idx) / (1 + Math.exp(-x.get(idx)))), idx));
    }
}
