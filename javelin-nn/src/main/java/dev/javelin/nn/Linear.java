package dev.javelin.nn;

import dev.javelin.kernels.Add;
import dev.javelin.kernels.MatMul;
import dev.javelin.tensor.Tensor;
import java.util.Arrays;

/** y = x·Wᵀ + b with W in PyTorch's [out, in] layout, used in place from the checkpoint. */
public final class Linear {
    private final Tensor weight;
    private final Tensor bias;

    /** {@code bias} may be null (no bias). */
    public Linear(Tensor weight, Tensor bias) {
        if (weight.rank() != 2) throw new IllegalArgumentException("linear weight must be 2-D [out, in], got " + Arrays.toString(weight.shape()));
        if (bias != null) bias.requireShape("linear bias for weight " + Arrays.toString(weight.shape()), weight.dim(0));
        this.weight = weight;
        this.bias = bias;
    }

    public int inFeatures() { return weight.dim(1); }

    public int outFeatures() { return weight.dim(0); }

    public Tensor weight() { return weight; }

    /** y [rows, out] = x [rows, in]·Wᵀ + b; y is overwritten. */
    public void forward(Tensor x, Tensor y) {
        MatMul.matmulTransB(x, weight, y);
        if (bias != null) Add.bias(y, bias);
    }
}
