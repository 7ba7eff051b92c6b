package dev.javelin.nn;

import dev.javelin.kernels.AttentionWindow;
import dev.javelin.kernels.ComputePool;
import dev.javelin.kernels.ScaledDotProductAttention;
import dev.javelin.tensor.Tensor;
import java.util.function.IntConsumer;

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

    /**
     * The same attention with {@code norm} applied to its output rows: out = norm(residual +
     * attention(input)), run by the output projection ({@link Linear#normalisedBy}).
     */
    public SelfAttention normalisedBy(Normalization norm) {
        return new SelfAttention(qkv, output.normalisedBy(norm), heads, kvHeads, headDim, rotary, queryNorm, keyNorm, window,
                relativeBias);
    }

    /** The same attention with a relative-position bias added to the scores. */
    public SelfAttention withRelativeBias(RelativePositionBias bias) {
        return new SelfAttention(qkv, output, heads, kvHeads, headDim, rotary, queryNorm, keyNorm, window, bias);
    }

    public int hidden() { return qkv.inFeatures(); }

    /**
     * out [T, hidden] = residual + attention(input) within each sequence of {@code seqs} (then the
     * norm of {@link #normalisedBy}, if any); out may be residual itself (pre-norm blocks add onto
     * the stream), never input.
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
        HeadLoop loop = ws.scratch(HeadLoop.class, HeadLoop::new);
        loop.split(projected, qCols, kvCols);
        if (queryNorm != null) queryNorm.forwardHeads(loop.q, heads);
        if (keyNorm != null) keyNorm.forwardHeads(loop.k, kvHeads);
        if (rotary != null) {
            int[] positions = seqs.positions();
            rotary.apply(loop.q, heads, positions);
            rotary.apply(loop.k, kvHeads, positions);
        }
        Tensor context = ws.tensor("attention.context", tokens, qCols);
        loop.start(this, seqs, keyBias(seqs, attentionMask), context);
        try {
            ComputePool.shared().parallelFor(seqs.count() * heads, loop);
        } finally {
            loop.finish();
        }
        output.forwardAdding(context, residual, out);
    }

    /**
     * The loop over (sequence, head) pairs of one pass, kept in its workspace and refilled by every
     * layer, so that a layer allocates neither a loop body nor its order nor the column views of the
     * projection: the views are made again only when the projection or its split changes (another
     * model's layer in the same workspace).
     */
    private static final class HeadLoop implements IntConsumer {
        private Tensor projected;
        private int qCols = -1, kvCols = -1;
        /** The query, key and value columns of {@link #projected}. */
        private Tensor q, k, v;
        /**
         * Sequence indices by decreasing length (ties in input order), in the first {@code count}
         * entries. Threads claim tasks in order and a task costs ~L², so starting with the longest
         * keeps a long sequence from being the straggler at the end.
         */
        private int[] longestFirst = new int[0];
        private SelfAttention attention;
        private PackedSequences seqs;
        private float[][] keyBias;
        private Tensor context;

        void split(Tensor projected, int qCols, int kvCols) {
            if (projected == this.projected && qCols == this.qCols && kvCols == this.kvCols) return;
            this.projected = projected;
            this.qCols = qCols;
            this.kvCols = kvCols;
            q = projected.slice(1, 0, qCols);
            k = projected.slice(1, qCols, qCols + kvCols);
            v = projected.slice(1, qCols + kvCols, qCols + 2 * kvCols);
        }

        void start(SelfAttention attention, PackedSequences seqs, float[][] keyBias, Tensor context) {
            this.attention = attention;
            this.seqs = seqs;
            this.keyBias = keyBias;
            this.context = context;
            sortLongestFirst(seqs);
        }

        /**
         * An insertion sort: sequences arrive mostly sorted or all alike, and the array is this
         * loop's, grown to the most sequences seen.
         */
        private void sortLongestFirst(PackedSequences seqs) {
            if (longestFirst.length < seqs.count()) longestFirst = new int[seqs.count()];
            int[] order = longestFirst;
            for (int i = 0; i < seqs.count(); i++) {
                int len = seqs.length(i), j = i;
                for (; j > 0 && seqs.length(order[j - 1]) < len; j--) order[j] = order[j - 1];
                order[j] = i;
            }
        }

        @Override
        public void accept(int task) {
            SelfAttention a = attention;
            int s = longestFirst[task / a.heads], h = task % a.heads, kvh = h / (a.heads / a.kvHeads);
            int from = seqs.start(s), to = seqs.end(s);
            ScaledDotProductAttention.applyHead(q, k, v, context, from, to, h, kvh, a.headDim, a.scale,
                    keyBias == null ? null : keyBias[s],
                    a.relativeBias == null ? null : a.relativeBias.forHead(h, to - from), a.window);
        }

        /** Drops the pass's references (the workspace may outlive the batch). */
        void finish() {
            attention = null;
            seqs = null;
            keyBias = null;
            context = null;
        }
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
