package dev.javelin.nn;

import dev.javelin.kernels.ComputePool;
import dev.javelin.kernels.ScaledDotProductAttention;
import dev.javelin.tensor.Tensor;

/**
 * Multi-head self-attention over packed sequences: the Q/K/V and output projections run once over
 * all tokens of the batch; scaled dot-product attention runs per (sequence, head), in parallel, on
 * column views of the projections — no head is copied out, no token attends across sequences, and
 * no pad token exists to be masked.
 */
public final class MultiHeadSelfAttention {
    /** HF's extended attention mask uses the dtype's lowest value rather than −∞: a fully masked row stays finite. */
    private static final float MASKED = -Float.MAX_VALUE;

    private final Linear query;
    private final Linear key;
    private final Linear value;
    private final Linear output;
    private final int heads;
    private final int headDim;
    private final float scale;

    public MultiHeadSelfAttention(Linear query, Linear key, Linear value, Linear output, int heads) {
        int hidden = query.inFeatures();
        for (Linear l : new Linear[] {query, key, value, output}) {
            if (l.inFeatures() != hidden || l.outFeatures() != hidden) {
                throw new IllegalArgumentException("attention projections must all be " + hidden + "→" + hidden + ", got "
                        + l.inFeatures() + "→" + l.outFeatures());
            }
        }
        if (heads < 1 || hidden % heads != 0) {
            throw new IllegalArgumentException("hidden size " + hidden + " is not divisible into " + heads + " heads");
        }
        this.query = query;
        this.key = key;
        this.value = value;
        this.output = output;
        this.heads = heads;
        this.headDim = hidden / heads;
        this.scale = (float) (1 / Math.sqrt(headDim));
    }

    public int hidden() { return query.inFeatures(); }

    public int heads() { return heads; }

    /**
     * out [T, hidden] = x + attention of the packed x [T, hidden] within each sequence of
     * {@code seqs}: the residual connection is added by the output projection as it writes out.
     *
     * @param attentionMask null, or one entry per token (1 = attend to it, 0 = masked), as tokenizers
     *                      produce; masked tokens still get an output row, as in Hugging Face models
     */
    public void forwardResidual(Tensor x, PackedSequences seqs, int[] attentionMask, Tensor out, Workspace ws) {
        int tokens = seqs.totalTokens();
        x.requireShape("attention input", tokens, hidden());
        out.requireShape("attention output", tokens, hidden());
        if (attentionMask != null && attentionMask.length != tokens) {
            throw new IllegalArgumentException("attention mask has " + attentionMask.length + " entries for " + tokens + " tokens");
        }
        Tensor q = ws.tensor("attention.q", tokens, hidden());
        Tensor k = ws.tensor("attention.k", tokens, hidden());
        Tensor v = ws.tensor("attention.v", tokens, hidden());
        Tensor context = ws.tensor("attention.context", tokens, hidden());
        query.forward(x, q);
        key.forward(x, k);
        value.forward(x, v);

        float[][] bias = keyBias(seqs, attentionMask);
        int[] longestFirst = longestFirst(seqs);
        ComputePool.shared().parallelFor(seqs.count() * heads, task -> {
            int s = longestFirst[task / heads], h = task % heads;
            int from = seqs.start(s), to = seqs.end(s), c0 = h * headDim, c1 = c0 + headDim;
            ScaledDotProductAttention.apply(
                    q.slice(0, from, to).slice(1, c0, c1), k.slice(0, from, to).slice(1, c0, c1),
                    v.slice(0, from, to).slice(1, c0, c1), context.slice(0, from, to).slice(1, c0, c1),
                    scale, bias == null ? null : bias[s]);
        });
        output.forwardAdding(context, x, out);
    }

    /**
     * Sequence indices by decreasing length. Threads claim tasks in order and a task costs ~L², so
     * starting with the longest keeps a long sequence from being the straggler at the end.
     */
    static int[] longestFirst(PackedSequences seqs) {
        return java.util.stream.IntStream.range(0, seqs.count()).boxed()
                .sorted((a, b) -> Integer.compare(seqs.length(b), seqs.length(a))).mapToInt(Integer::intValue).toArray();
    }

    static float[][] keyBias(PackedSequences seqs, int[] mask) {
        if (mask == null) return null;
        float[][] bias = new float[seqs.count()][];
        for (int s = 0; s < seqs.count(); s++) {
            float[] b = new float[seqs.length(s)];
            boolean any = false;
            for (int i = 0; i < b.length; i++) {
                if (mask[seqs.start(s) + i] == 0) {
                    b[i] = MASKED;
                    any = true;
                }
            }
            bias[s] = any ? b : null;
        }
        return bias;
    }
}
