package dev.javelin.kernels;

import dev.javelin.tensor.Tensor;
import java.util.Arrays;

/**
 * What a product does to its output block while the block is still in cache: add a per-column bias
 * (and the residual the call passes), apply an activation, then optionally layer-normalise each row —
 * instead of separate passes over the whole output afterwards. The arithmetic is that of those passes,
 * in their order ((a·b + bias) + residual, then the activation, then the norm), so fusing changes no
 * bit of the result.
 *
 * <p>The norm needs whole rows: it runs in the task that wrote a row when the product's tasks own
 * whole rows of C (a tall A, split along M only), and otherwise (a short A split along N, one
 * request of a few tokens) as {@link LayerNormKernel#apply} over C once the product is done. Fused,
 * it saves the norm's own parallel step (a barrier for every thread) and its pass over C.
 *
 * @param layerNorm the layer norm of each finished row, or null for none
 */
public record Epilogue(Tensor bias, Activation activation, LayerNormKernel.Parameters layerNorm) {
    /** The plain product. */
    public static final Epilogue NONE = new Epilogue(null, Activation.IDENTITY);

    /** An epilogue without a norm. */
    public Epilogue(Tensor bias, Activation activation) {
        this(bias, activation, null);
    }

    public Epilogue {
        if (activation == null) throw new IllegalArgumentException("epilogue activation is null; use Activation.IDENTITY");
        if (bias != null && (bias.rank() != 1 || (bias.dim(0) > 1 && bias.stride(0) != 1))) {
            throw new IllegalArgumentException("epilogue bias must be a contiguous 1-D tensor, got shape "
                    + Arrays.toString(bias.shape()) + " strides " + Arrays.toString(bias.strides()));
        }
    }

    /** This epilogue, then a layer norm of each finished row: y = LayerNorm(activation(a·b + bias + residual)). */
    public Epilogue thenLayerNorm(Tensor gamma, Tensor beta, float eps) {
        if (layerNorm != null) throw new IllegalStateException("the epilogue already ends in a layer norm");
        return new Epilogue(bias, activation, new LayerNormKernel.Parameters(gamma, beta, eps));
    }

    /** Element-wise functions the epilogue can apply. */
    public enum Activation {
        IDENTITY,
        /** Exact (erf) GELU, as {@link Gelu}. */
        GELU
    }
}
