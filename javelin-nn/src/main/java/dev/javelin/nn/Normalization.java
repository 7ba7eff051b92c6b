package dev.javelin.nn;

import dev.javelin.kernels.Epilogue;
import dev.javelin.tensor.Tensor;

/** A per-token normalisation applied in place over the hidden axis: {@link LayerNorm} or {@link RmsNorm}. */
public interface Normalization {
    int dim();

    /** Normalises every row of x [rows, dim] in place. */
    void forward(Tensor x);

    /**
     * {@code epilogue} followed by this norm of each finished row, for a product whose output this
     * norm reads next ({@link Linear#normalisedBy}); null when this norm cannot run in a product's
     * epilogue, and runs as {@link #forward} after the product instead.
     */
    default Epilogue fusedAfter(Epilogue epilogue) {
        return null;
    }
}
