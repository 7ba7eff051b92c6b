package dev.javelin.nn;

import dev.javelin.tensor.Tensor;

/** A position-wise feed-forward block with its residual: {@link FeedForward} or {@link GatedFeedForward}. */
public interface FeedForwardBlock {
    int hidden();

    /** out [rows, hidden] = residual + FFN(input); out may be residual or input itself. */
    void forward(Tensor input, Tensor residual, Tensor out, Workspace ws);
}
