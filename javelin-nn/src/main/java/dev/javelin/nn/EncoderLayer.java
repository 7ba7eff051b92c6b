package dev.javelin.nn;

import dev.javelin.tensor.Tensor;

/**
 * One post-norm transformer encoder block (BERT, DistilBERT, RoBERTa):
 * h = LN(x + Attention(x)); y = LN(h + FFN(h)). Runs in place on the packed hidden states.
 */
public final class EncoderLayer implements TransformerBlock {
    private final MultiHeadSelfAttention attention;
    private final LayerNorm attentionNorm;
    private final FeedForward feedForward;
    private final LayerNorm outputNorm;

    public EncoderLayer(MultiHeadSelfAttention attention, LayerNorm attentionNorm, FeedForward feedForward, LayerNorm outputNorm) {
        int hidden = attention.hidden();
        if (attentionNorm.dim() != hidden || feedForward.hidden() != hidden || outputNorm.dim() != hidden) {
            throw new IllegalArgumentException("encoder layer parts disagree on the hidden size: attention " + hidden
                    + ", norms " + attentionNorm.dim() + "/" + outputNorm.dim() + ", feed-forward " + feedForward.hidden());
        }
        this.attention = attention;
        this.attentionNorm = attentionNorm;
        this.feedForward = feedForward;
        this.outputNorm = outputNorm;
    }

    @Override
    public void forward(Tensor x, PackedSequences seqs, int[] attentionMask, Workspace ws) {
        Tensor h = ws.tensor("layer.h", x.dim(0), x.dim(1));
        attention.forwardResidual(x, seqs, attentionMask, h, ws);
        attentionNorm.forward(h);
        feedForward.forwardResidual(h, x, ws);
        outputNorm.forward(x);
    }
}
