package dev.javelin.nn;

import dev.javelin.kernels.Epilogue;
import dev.javelin.kernels.LayerNormKernel;
import dev.javelin.tensor.Tensor;

/** Layer normalisation over the hidden axis with learned scale and shift. */
public final class LayerNorm implements Normalization {
    private final Tensor gamma;
    private final Tensor beta;
    private final float eps;

    public LayerNorm(Tensor gamma, Tensor beta, float eps) {
        if (gamma.rank() != 1) throw new IllegalArgumentException("LayerNorm weight must be 1-D, got " + gamma);
        beta.requireShape("LayerNorm bias", gamma.dim(0));
        if (!(eps > 0)) throw new IllegalArgumentException("LayerNorm eps must be positive, got " + eps);
        this.gamma = gamma;
        this.beta = beta;
        this.eps = eps;
    }

    @Override
    public int dim() { return gamma.dim(0); }

    @Override
    public void forward(Tensor x) {
        LayerNormKernel.apply(x, gamma, beta, eps);
    }

    /** The same arithmetic as {@link #forward}, bit for bit, run on each row as the product writes it. */
    @Override
    public Epilogue fusedAfter(Epilogue epilogue) {
        return epilogue.thenLayerNorm(gamma, beta, eps);
    }
}
