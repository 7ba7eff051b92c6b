package dev.javelin.nn;

import dev.javelin.tensor.Tensor;

/**
 * The original transformer layer order (BERT, DistilBERT, MPNet, GTE, NomicBERT): h = norm₁(x + Attention(x));
 * y = norm₂(h + FFN(h)). Each norm is run by the product that ends its sub-block (the attention's output
 * projection, the feed-forward's down projection): a {@link LayerNorm} normalises each row as the
 * product writes it, which saves a parallel step and a pass over the hidden states per norm.
 */
public final class PostNormBlock implements TransformerBlock {
    /** Attention and feed-forward, each ending in its norm. */
    private final SelfAttention attention;
    private final FeedForwardBlock feedForward;

    public PostNormBlock(SelfAttention attention, Normalization attentionNorm, FeedForwardBlock feedForward, Normalization outputNorm) {
        Blocks.requireHidden(attention, attentionNorm, feedForward, outputNorm);
        this.attention = attention.normalisedBy(attentionNorm);
        this.feedForward = feedForward.normalisedBy(outputNorm);
    }

    @Override
    public void forward(Tensor x, PackedSequences seqs, int[] attentionMask, Workspace ws) {
        Tensor h = ws.tensor("layer.h", x.dim(0), x.dim(1));
        attention.forward(x, x, seqs, attentionMask, h, ws); // h = norm₁(x + Attention(x))
        feedForward.forward(h, h, x, ws); // x = norm₂(h + FFN(h))
    }
}
