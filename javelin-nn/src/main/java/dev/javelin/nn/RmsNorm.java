package dev.javelin.nn;

import dev.javelin.kernels.RmsNormKernel;
import dev.javelin.tensor.Tensor;

/** RMS normalisation with a learned scale and no shift (Llama, Qwen): x·w / sqrt(mean(x²) + eps). */
public final class RmsNorm implements Normalization {
    private final Tensor weight;
    private final float eps;

    public RmsNorm(Tensor weight, float eps) {
        if (weight.rank() != 1) throw new IllegalArgumentException("RMSNorm weight must be 1-D, got " + weight);
        if (!(eps > 0)) throw new IllegalArgumentException("RMSNorm eps must be positive, got " + eps);
        this.weight = weight;
        this.eps = eps;
    }

    @Override
    public int dim() { return weight.dim(0); }

    @Override
    public void forward(Tensor x) {
        RmsNormKernel.apply(x, weight, eps);
    }

    /** Normalises each head of x [rows, heads·dim] on its own (Qwen3's q_norm / k_norm). */
    public void forwardHeads(Tensor x, int heads) {
        for (int h = 0; h < heads; h++) forward(x.slice(1, h * dim(), (h + 1) * dim()));
    }
}
