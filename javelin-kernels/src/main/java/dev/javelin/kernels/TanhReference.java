package dev.javelin.kernels;

import dev.javelin.tensor.Tensor;

/** Scalar twin of {@link Tanh}, for tests. */
public final class TanhReference {
    private TanhReference() {}

    public static void apply(Tensor x) {
        Elementwise.forEachIndex(x, idx -> x.set((float) Math.tanh(x.get(idx)), idx));
    }
}
