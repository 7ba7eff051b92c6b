package dev.javelin.nn;

import dev.javelin.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * The pre-norm layer order (ModernBERT, Llama, Qwen): x += Attention(norm₁(x)); x += FFN(norm₂(x)).
 * The residual stream itself is never normalised; each sub-block reads a normalised copy.
 */
public final class PreNormBlock implements TransformerBlock {
    private final Normalization attentionNorm;
    private final SelfAttention attention;
    private final Normalization feedForwardNorm;
    private final FeedForwardBlock feedForward;

    /** {@code attentionNorm} may be null: ModernBERT's first layer attends to the normalised embeddings as they are. */
    public PreNormBlock(Normalization attentionNorm, SelfAttention attention, Normalization feedForwardNorm, FeedForwardBlock feedForward) {
        Blocks.requireHidden(attention, attentionNorm, feedForward, feedForwardNorm);
        this.attentionNorm = attentionNorm;
        this.attention = attention;
        this.feedForwardNorm = feedForwardNorm;
        this.feedForward = feedForward;
    }

    @Override
    public void forward(Tensor x, PackedSequences seqs, int[] attentionMask, Workspace ws) {
        attention.forward(normalised(x, attentionNorm, ws), x, seqs, attentionMask, x, ws);
        feedForward.forward(normalised(x, feedForwardNorm, ws), x, x, ws);
    }

    /** norm(x) in a scratch buffer (x as it is when norm is null: attention's input must not be its output). */
    private static Tensor normalised(Tensor x, Normalization norm, Workspace ws) {
        Tensor n = ws.tensor("layer.normed", x.dim(0), x.dim(1));
        MemorySegment.copy(x.segment(), x.byteOffset(), n.segment(), n.byteOffset(), x.size() * Float.BYTES);
        if (norm != null) norm.forward(n);
        return n;
    }
}
