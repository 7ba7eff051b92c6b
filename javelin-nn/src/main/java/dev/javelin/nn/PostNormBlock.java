package dev.javelin.nn;

import dev.javelin.tensor.Tensor;

/**
 * The original transformer layer order (BERT, DistilBERT, MPNet, GTE, NomicBERT): h = norm₁(x + Attention(x));
 * y = norm₂(h + FFN(h)).
 */
public final class PostNormBlock implements TransformerBlock {
    private final SelfAttention attention;
    private final Normalization attentionNorm;
    private final FeedForwardBlock feedForward;
    private final Normalization outputNorm;

    public PostNormBlock(SelfAttention attention, Normalization attentionNorm, FeedForwardBlock feedForward, Normalization outputNorm) {
        Blocks.requireHidden(attention, attentionNorm, feedForward, outputNorm);
        this.attention = attention;
        this.attentionNorm = attentionNorm;
        this.feedForward = feedForward;
        this.outputNorm = outputNorm;
    }

    @Override
    public void forward(Tensor x, PackedSequences seqs, int[] attentionMask, Workspace ws) {
        Tensor h = ws.tensor("layer.h", x.dim(0), x.dim(1));
        attention.forward(x, x, seqs, attentionMask, h, ws);
        attentionNorm.forward(h);
        feedForward.forward(h, h, x, ws);
        outputNorm.forward(x);
    }
}
