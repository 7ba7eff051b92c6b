package dev.javelin.train.finetune;

import dev.javelin.kernels.LayerNormGrad;
import dev.javelin.tensor.Tensor;

/** LayerNorm with γ, β as parameters, on {@link LayerNormGrad}. */
final class TrainableLayerNorm {
    private final Param gamma;
    private final Param beta;
    private final float eps;

    TrainableLayerNorm(Param gamma, Param beta, float eps) {
        this.gamma = gamma;
        this.beta = beta;
        this.eps = eps;
    }

    /** The forward input and statistics the backward pass needs. */
    record Cache(Tensor x, float[] mean, float[] rstd) {}

    /** y = LN(x); x is kept (not overwritten) for the backward pass. */
    Cache forward(Tensor x, Tensor y) {
        int rows = x.dim(0);
        float[] mean = new float[rows], rstd = new float[rows];
        LayerNormGrad.forward(x, gamma.value(), beta.value(), eps, y, mean, rstd);
        return new Cache(x, mean, rstd);
    }

    /** dx (written into dx, which may be dy) from dy; γ, β gradients accumulate when they train. */
    void backward(Tensor dy, Cache c, Tensor dx) {
        int h = gamma.size();
        float[] dg = gamma.trainable() ? gamma.grad() : new float[h];
        float[] db = beta.trainable() ? beta.grad() : new float[h];
        LayerNormGrad.backward(dy, c.x(), gamma.value(), c.mean(), c.rstd(), dx, dg, db);
    }
}
