package dev.javelin.nn;

import dev.javelin.tensor.Tensor;

/** A per-token normalisation applied in place over the hidden axis: {@link LayerNorm} or {@link RmsNorm}. */
public interface Normalization {
    int dim();

    /** Normalises every row of x [rows, dim] in place. */
    void forward(Tensor x);
}
