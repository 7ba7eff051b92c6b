package dev.javelin.nn;

import dev.javelin.kernels.AttentionWindow;
import dev.javelin.kernels.ComputePool;
import dev.javelin.kernels.ScaledDotProductAttention;
import dev.javelin.tensor.Tensor;

/**
 * Self-attention over packed sequences for the architectures after BERT: one fused Q/K/V product,
 * then per head optional RMS norms (Qwen3) and rotary positions (RoPE models), grouped-query
 * sharing of K/V heads (several query heads read one K/V head), a causal or banded window, and
 * an optional relative-position bias (MPNet). The Q/K/V and output projections run once over all
 * tokens of the batch; attention runs per (sequence, head), in parallel, on column views of the
 * projection: no head is copied out, no token attends across sequences, and no pad token exists to
 * be masked.
 */
public final class SelfAttention {
    /** HF's extended attention mask uses the dtype's lowest value rather than −∞: a fully masked row stays finite. */
    private static final float MASKED = -Float.MAX_VALUE;

    private final Linear qkv;
    private final Linear output;
    private final int heads;
    private final int kvHeads;
    private final int headDim;
    private final float scale;
    private final RotaryEmbedding rotary;
    private final RmsNorm queryNorm;
    private final RmsNorm keyNorm;
    private final AttentionWindow window;
    private final RelativePositionBias relativeBias;

    /**
     * Full bidirectional attention without positions; add them with the {@code with…} methods.
     *
     * @param qkv    hidden → (heads + 2·kvHeads)·headDim: the query, key and value projections stacked
     * @param output heads·headDim → hidden
     */
    public SelfAttention(Linear qkv, Linear output, int heads, int kvHeads, int headDim) {
        this(qkv, output, heads, kvHeads, headDim, null, null, null, AttentionWindow.FULL, null);
    }

    private SelfAttention(Linear qkv, Linear output, int heads, int kvHeads, int headDim, RotaryEmbedding rotary,
                          RmsNorm queryNorm, RmsNorm keyNorm, AttentionWindow window, RelativePositionBias relativeBias) {
        if (heads < 1 || kvHeads < 1 || heads % kvHeads != 0) {
            throw new IllegalArgumentException(heads + " query heads cannot share " + kvHeads + " key/value heads evenly");
        }
        if (qkv.outFeatures() != (heads + 2 * kvHeads) * headDim) {
            throw new IllegalArgumentException("fused QKV projection has " + qkv.outFeatures() + " outputs; " + heads + " + 2·"
                    + kvHeads + " heads of " + headDim + " need " + (heads + 2 * kvHeads) * headDim);
        }
        if (output.inFeatures() != heads * headDim || output.outFeatures() != qkv.inFeatures()) {
            throw new IllegalArgumentException("attention output projection is " + output.inFeatures() + "→" + output.outFeatures()
                    + "; expected " + heads * headDim + "→" + qkv.inFeatures());
        }
        if (rotary != null && rotary.headDim() != headDim) {
            throw new IllegalArgumentException("rotary tables for head size " + rotary.headDim() + " on heads of " + headDim);
        }
        if ((queryNorm != null && queryNorm.dim() != headDim) || (keyNorm != null && keyNorm.dim() != headDim)) {
            throw new IllegalArgumentException("per-head norms must have the head size " + headDim);
        }
        this.qkv = qkv;
        this.output = output;
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.scale = (float) (1 / Math.sqrt(headDim));
        this.rotary = rotary;
        this.queryNorm = queryNorm;
        this.keyNorm = keyNorm;
        this.window = window;
        this.relativeBias = relativeBias;
    }

    /** The same attention with rotary positions applied to queries and keys. */
    public SelfAttention withRotary(RotaryEmbedding rope) {
        return new SelfAttention(qkv, output, heads, kvHeads, headDim, rope, queryNorm, keyNorm, window, relativeBias);
    }

    /** The same attention with each query and key head RMS-normalised before the rotation. */
    public SelfAttention withHeadNorms(RmsNorm query, RmsNorm key) {
        return new SelfAttention(qkv, output, heads, kvHeads, headDim, rotary, query, key, window, relativeBias);
    }

    /** The same attention restricted to {@code w} (causal, or a local band). */
    public SelfAttention withWindow(AttentionWindow w) {
        return new SelfAttention(qkv, output, heads, kvHeads, headDim, rotary, queryNorm, keyNorm, w, relativeBias);
    }

    /** The same attention with a relative-position bias added to the scores. */
    public SelfAttention withRelativeBias(RelativePositionBias bias) {
        return new SelfAttention(qkv, output, heads, kvHeads, headDim, rotary, queryNorm, keyNorm, window, bias);
    }

    public int hidden() { return qkv.inFeatures(); }

    /**
     * out [T, hidden] = residual + attention(input) within each sequence of {@code seqs}; out may be
     * residual itself (pre-norm blocks add onto the stream), never input.
     *
     * @param attentionMask null, or one entry per token (1 = attend to it, 0 = masked)
     */
    public void forward(Tensor input, Tensor residual, PackedSequences seqs, int[] attentionMask, Tensor out, Workspace ws) {
        int tokens = seqs.totalTokens();
        input.requireShape("attention input", tokens, hidden());
        out.requireShape("attention output", tokens, hidden());
        if (attentionMask != null && attentionMask.length != tokens) {
            throw new IllegalArgumentException("attention mask has " + attentionMask.length + " entries for " + tokens + " tokens");
        }
        int qCols = heads * headDim, kvCols = kvHeads * headDim;
        Tensor projected = ws.tensor("attention.qkv", tokens, qCols + 2 * kvCols);
        qkv.forward(input, projected);
        Tensor q = projected.slice(1, 0, qCols), k = projected.slice(1, qCols, qCols + kvCols);
        Tensor v = projected.slice(1, qCols + kvCols, qCols + 2 * kvCols);
        if (queryNorm != null) queryNorm.forwardHeads(q, heads);
        if (keyNorm != null) keyNorm.forwardHeads(k, kvHeads);
        if (rotary != null) {
            int[] positions = seqs.positions();
            rotary.apply(q, heads, positions);
            rotary.apply(k, kvHeads, positions);
        }
        Tensor context = ws.tensor("attention.context", tokens, qCols);
        float[][] keyBias = keyBias(seqs, attentionMask);
        int[] longestFirst = longestFirst(seqs);
        int group = heads / kvHeads;
        ComputePool.shared().parallelFor(seqs.count() * heads, task -> {
            int s = longestFirst[task / heads], h = task % heads, kvh = h / group;
            int from = seqs.start(s), to = seqs.end(s);
            ScaledDotProductAttention.applyHead(q, k, v, context, from, to, h, kvh, headDim, scale,
                    keyBias == null ? null : keyBias[s],
                    relativeBias == null ? null : relativeBias.forHead(h, to - from), window);
        });
        output.forwardAdding(context, residual, out);
    }

    /**
     * Sequence indices by decreasing length (ties in input order). Threads claim tasks in order and a
     * task costs ~L², so starting with the longest keeps a long sequence from being the straggler at
     * the end. An insertion sort: sequences arrive mostly sorted or all alike, and it allocates only
     * the result.
     */
    private static int[] longestFirst(PackedSequences seqs) {
        int[] order = new int[seqs.count()];
        for (int i = 0; i < order.length; i++) {
            int len = seqs.length(i), j = i;
            for (; j > 0 && seqs.length(order[j - 1]) < len; j--) order[j] = order[j - 1];
            order[j] = i;
        }
        return order;
    }

    private static float[][] keyBias(PackedSequences seqs, int[] mask) {
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
