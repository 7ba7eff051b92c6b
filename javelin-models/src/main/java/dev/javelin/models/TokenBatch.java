package dev.javelin.models;

import dev.javelin.nn.PackedSequences;

/**
 * Model input: the token ids of several sequences packed end to end (no padding between them),
 * with their token type ids and, optionally, an attention mask for callers that pass padded
 * sequences anyway. Only the first {@link #tokens()} entries of each array are the batch's: a
 * {@link #reusable()} batch keeps arrays grown to the most tokens it has held.
 */
public final class TokenBatch {
    private int[] ids;
    private int[] typeIds;
    private final int[] attentionMask;
    private final PackedSequences sequences;
    private final boolean reusable;

    /**
     * @param typeIds       null means all zeros
     * @param attentionMask null means every token is attended to
     */
    public TokenBatch(int[] ids, int[] typeIds, int[] attentionMask, PackedSequences sequences) {
        int n = sequences.totalTokens();
        if (ids.length != n) throw new IllegalArgumentException(ids.length + " token ids for " + n + " packed tokens");
        if (typeIds != null && typeIds.length != n) throw new IllegalArgumentException(typeIds.length + " token type ids for " + n + " tokens");
        if (attentionMask != null && attentionMask.length != n) {
            throw new IllegalArgumentException(attentionMask.length + " attention mask entries for " + n + " tokens");
        }
        this.ids = ids;
        this.typeIds = typeIds;
        this.attentionMask = attentionMask;
        this.sequences = sequences;
        this.reusable = false;
    }

    private TokenBatch() {
        this.ids = new int[0];
        this.typeIds = new int[0];
        this.attentionMask = null;
        this.sequences = PackedSequences.reusable();
        this.reusable = true;
    }

    /**
     * An empty batch with type ids and no attention mask, refilled by {@link #repack}: for a caller
     * that runs a forward pass per batch and keeps this with its other per-pass scratch, so that
     * packing a batch allocates nothing once it has held as many tokens.
     */
    public static TokenBatch reusable() {
        return new TokenBatch();
    }

    /**
     * This batch, now of the first {@code count} of {@code lengths}: {@link #sequences()} repacked,
     * {@link #ids()} and {@link #typeIds()} at least as long as the tokens, their contents for the
     * caller to write (sequence s at {@code sequences().start(s)}).
     *
     * @throws IllegalStateException on a batch not made by {@link #reusable()}
     */
    public TokenBatch repack(int[] lengths, int count) {
        if (!reusable) throw new IllegalStateException("this batch was packed by its creator and never changes; repack a reusable() one");
        int tokens = sequences.repack(lengths, count).totalTokens();
        if (ids.length < tokens) {
            int capacity = Math.max(tokens, ids.length * 2);
            ids = new int[capacity];
            typeIds = new int[capacity];
        }
        return this;
    }

    /** Packs sequences given as separate arrays ({@code typeIds} may be null). */
    public static TokenBatch of(int[][] ids, int[][] typeIds) {
        int[] lengths = new int[ids.length];
        for (int s = 0; s < ids.length; s++) lengths[s] = ids[s].length;
        PackedSequences seqs = PackedSequences.ofLengths(lengths);
        int[] flatIds = new int[seqs.totalTokens()];
        int[] flatTypes = typeIds == null ? null : new int[seqs.totalTokens()];
        for (int s = 0; s < ids.length; s++) {
            System.arraycopy(ids[s], 0, flatIds, seqs.start(s), ids[s].length);
            if (typeIds != null) {
                if (typeIds[s].length != ids[s].length) {
                    throw new IllegalArgumentException("sequence " + s + ": " + typeIds[s].length + " type ids for " + ids[s].length + " tokens");
                }
                System.arraycopy(typeIds[s], 0, flatTypes, seqs.start(s), typeIds[s].length);
            }
        }
        return new TokenBatch(flatIds, flatTypes, null, seqs);
    }

    /** The packed token ids, in the first {@link #tokens()} entries. */
    public int[] ids() { return ids; }

    /** The packed token type ids, in the first {@link #tokens()} entries; null means all zeros. */
    public int[] typeIds() { return typeIds; }

    /** One entry per token (1 = attend to it, 0 = masked), or null: every token is attended to. */
    public int[] attentionMask() { return attentionMask; }

    public PackedSequences sequences() { return sequences; }

    public int tokens() { return sequences.totalTokens(); }
}
