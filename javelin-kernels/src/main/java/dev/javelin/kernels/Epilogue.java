package dev.javelin.kernels;

import dev.javelin.tensor.Tensor;
import java.util.Arrays;

/**
 * What a product does to its output block while the block is still in cache: add a per-column bias
 * (and the residual the call passes), then apply an activation — instead of separate passes over the
 * whole output afterwards. The arithmetic is that of those passes, in their order ((a·b + bias) +
 * residual, then the activation), so fusing changes no bit of the result.
 */
public record Epilogue(Tensor bias, Activation activation) {
    /** The plain product. */
    public static final Epilogue NONE = new Epilogue(null, Activation.IDENTITY);

    public Epilogue {
        if (activation == null) throw new IllegalArgumentException("epilogue activation is null; use Activation.IDENTITY");
        if (bias != null && (bias.rank() != 1 || (bias.dim(0) > 1 && bias.stride(0) != 1))) {
            throw new IllegalArgumentException("epilogue bias must be a contiguous 1-D tensor, got shape "
                    + Arrays.toString(bias.shape()) + " strides " + Arrays.toString(bias.strides()));
        }
    }

    /** Element-wise functions the epilogue can apply. */
    public enum Activation {
        IDENTITY,
        /** Exact (erf) GELU, as {@link Gelu}. */
        GELU
    }
}
