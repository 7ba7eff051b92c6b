package dev.javelin.kernels;

import dev.javelin.tensor.Tensor;

/** Scalar twin of {@link Add}, for tests. */
public final class AddReference {
    private AddReference() {}

    public static void bias(Tensor x, Tensor bias) {
        int last = x.rank() - 1;
        Elementwise.forEachIndex(x, idx -> x.set(x.get(idx) + bias.get(idx[last]), idx));
    }

    public static void inPlace(Tensor x, Tensor y) {
        Elementwise.forEachIndex(x, idx -> x.set(x.get(idx) + y.get(idx), idx));
    }
}
