package dev.javelin.nn;

import dev.javelin.tensor.Tensor;

/** A position-wise feed-forward block with its residual: {@link FeedForward} or {@link GatedFeedForward}. */
public interface FeedForwardBlock {
    int hidden();

    /**
     * out [rows, hidden] = residual + FFN(input) (then the norm of {@link #normalisedBy}, if any);
     * out may be residual or input itself.
     */
    void forward(Tensor input, Tensor residual, Tensor out, Workspace ws);

    /** The same block with {@code norm} applied to its output rows by its last product: out = norm(residual + FFN(input)). */
    FeedForwardBlock normalisedBy(Normalization norm);
}
