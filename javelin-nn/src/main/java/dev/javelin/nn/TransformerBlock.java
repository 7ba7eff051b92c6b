package dev.javelin.nn;

import dev.javelin.tensor.Tensor;

/** One transformer layer run in place on the packed hidden states. */
public interface TransformerBlock {
    /** Replaces x [T, hidden] by the block's output. */
    void forward(Tensor x, PackedSequences seqs, int[] attentionMask, Workspace ws);
}
