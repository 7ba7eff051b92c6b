package dev.javelin.train.finetune;

import dev.javelin.kernels.Dropout;
import dev.javelin.kernels.Gelu;
import dev.javelin.kernels.GeluGrad;
import dev.javelin.kernels.PackedAttentionGrad;
import dev.javelin.tensor.Tensor;

/**
 * One post-norm BERT-family encoder layer with its backward pass:
 * h = LN₁(x + drop(O·attn(Q·x, K·x, V·x))), out = LN₂(h + drop(W₂·GELU(W₁·h))), attention dropping
 * probabilities as Hugging Face does ({@code dropout(attention_probs)}). The dropout after O is
 * BERT's (BertSelfOutput); DistilBERT's TransformerBlock adds O's output to x as it is, so
 * {@code dropoutAfterAttention} is false there.
 */
final class TrainableEncoderLayer {
    final TrainableLinear query, key, value, attentionOut, intermediate, output;
    final TrainableLayerNorm attentionNorm, outputNorm;
    private final int heads;
    private final boolean dropoutAfterAttention;

    TrainableEncoderLayer(TrainableLinear query, TrainableLinear key, TrainableLinear value, TrainableLinear attentionOut,
                          TrainableLayerNorm attentionNorm, TrainableLinear intermediate, TrainableLinear output,
                          TrainableLayerNorm outputNorm, int heads, boolean dropoutAfterAttention) {
        this.query = query;
        this.key = key;
        this.value = value;
        this.attentionOut = attentionOut;
        this.attentionNorm = attentionNorm;
        this.intermediate = intermediate;
        this.output = output;
        this.outputNorm = outputNorm;
        this.heads = heads;
        this.dropoutAfterAttention = dropoutAfterAttention;
    }

    /** Everything the backward pass reads. */
    record Cache(TrainableLinear.Cache q, TrainableLinear.Cache k, TrainableLinear.Cache v, Tensor qOut, Tensor kOut,
                 Tensor vOut, float[][] probs, TrainableLinear.Cache o, TrainableLayerNorm.Cache norm1,
                 TrainableLinear.Cache ffn1, Tensor preActivation, TrainableLinear.Cache ffn2, TrainableLayerNorm.Cache norm2,
                 long seed) {}

    /**
     * Returns the layer's output in a new tensor; {@code x} is kept for the backward pass. The masks
     * come from seed (after O), seed + 1 (after W₂) and seed + 2 (attention probabilities).
     */
    Tensor forward(Tensor x, Sequences seqs, float dropout, long seed, StepMemory mem, Cache[] cacheOut) {
        int t = x.dim(0), h = x.dim(1), inner = intermediate.out();
        Tensor q = mem.tensor(t, h), k = mem.tensor(t, h), v = mem.tensor(t, h);
        TrainableLinear.Cache qc = query.forward(x, q, mem), kc = key.forward(x, k, mem), vc = value.forward(x, v, mem);
        Tensor context = mem.tensor(t, h);
        float[][] probs = PackedAttentionGrad.forward(q, k, v, seqs.starts(), seqs.lengths(), heads, dropout, seed + 2, context);
        Tensor s1 = mem.tensor(t, h);
        TrainableLinear.Cache oc = attentionOut.forward(context, s1, mem);
        if (dropoutAfterAttention) Dropout.apply(s1, dropout, seed);
        TrainableLinear.axpy(1f, x, s1);
        Tensor h1 = mem.tensor(t, h);
        TrainableLayerNorm.Cache n1 = attentionNorm.forward(s1, h1);
        Tensor pre = mem.tensor(t, inner);
        TrainableLinear.Cache f1 = intermediate.forward(h1, pre, mem);
        Tensor act = mem.copy(pre);
        Gelu.apply(act);
        Tensor s2 = mem.tensor(t, h);
        TrainableLinear.Cache f2 = output.forward(act, s2, mem);
        Dropout.apply(s2, dropout, seed + 1);
        TrainableLinear.axpy(1f, h1, s2);
        Tensor out = mem.tensor(t, h);
        TrainableLayerNorm.Cache n2 = outputNorm.forward(s2, out);
        cacheOut[0] = new Cache(qc, kc, vc, q, k, v, probs, oc, n1, f1, pre, f2, n2, seed);
        return out;
    }

    /** Accumulates parameter gradients; returns dx when {@code needInputGrad}, else null. {@code dOut} is overwritten. */
    Tensor backward(Tensor dOut, Cache c, Sequences seqs, float dropout, boolean needInputGrad, StepMemory mem) {
        int t = dOut.dim(0), h = dOut.dim(1);
        outputNorm.backward(dOut, c.norm2(), dOut);
        Tensor dh1 = dOut;
        Tensor dFfnOut = mem.copy(dOut);
        Dropout.apply(dFfnOut, dropout, c.seed() + 1);
        Tensor dAct = output.backward(dFfnOut, c.ffn2(), true, mem);
        GeluGrad.backward(c.preActivation(), dAct, dAct);
        Tensor dFromFfn = intermediate.backward(dAct, c.ffn1(), true, mem);
        TrainableLinear.axpy(1f, dFromFfn, dh1);
        attentionNorm.backward(dh1, c.norm1(), dh1);
        Tensor dAttnOut = mem.copy(dh1);
        if (dropoutAfterAttention) Dropout.apply(dAttnOut, dropout, c.seed());
        Tensor dContext = attentionOut.backward(dAttnOut, c.o(), true, mem);
        Tensor dq = mem.tensor(t, h), dk = mem.tensor(t, h), dv = mem.tensor(t, h);
        PackedAttentionGrad.backward(c.qOut(), c.kOut(), c.vOut(), c.probs(), dContext, seqs.starts(), seqs.lengths(), heads, dropout,
                c.seed() + 2, dq, dk, dv);
        Tensor dxq = query.backward(dq, c.q(), needInputGrad, mem);
        Tensor dxk = key.backward(dk, c.k(), needInputGrad, mem);
        Tensor dxv = value.backward(dv, c.v(), needInputGrad, mem);
        if (!needInputGrad) return null;
        TrainableLinear.axpy(1f, dxq, dh1);
        TrainableLinear.axpy(1f, dxk, dh1);
        TrainableLinear.axpy(1f, dxv, dh1);
        return dh1;
    }
}
