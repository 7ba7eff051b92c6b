package dev.javelin.kernels;

import dev.javelin.tensor.Tensor;

/** Scalar twin of {@link Scale}, for tests. */
public final class ScaleReference {
    private ScaleReference() {}

    public static void apply(Tensor x, float s) {
        Elementwise.forEachIndex(x, idx -> x.set(x.get(idx) * s, idx));
    }
}
