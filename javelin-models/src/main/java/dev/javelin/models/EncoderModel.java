package dev.javelin.models;

import dev.javelin.nn.Workspace;
import dev.javelin.tensor.Tensor;

/** A transformer encoder: packed tokens in, one hidden vector per token out. Immutable and thread-safe. */
public sealed interface EncoderModel permits StackedEncoder {

    int hiddenSize();

    /** The longest sequence the position embeddings cover. */
    int maxPositions();

    /**
     * The last hidden state [T, hidden] of the packed batch, held in {@code ws}: valid until the
     * workspace is used again. Each concurrent caller needs its own workspace.
     */
    Tensor forward(TokenBatch batch, Workspace ws);
}
