package dev.javelin.models;

import dev.javelin.nn.PackedSequences;
import java.util.Arrays;

/**
 * Model input: the token ids of several sequences packed end to end (no padding between them),
 * with their token type ids and, optionally, an attention mask for callers that pass padded
 * sequences anyway.
 *
 * @param typeIds       null means all zeros
 * @param attentionMask null means every token is attended to
 */
public record TokenBatch(int[] ids, int[] typeIds, int[] attentionMask, PackedSequences sequences) {

    public TokenBatch {
        int n = sequences.totalTokens();
        if (ids.length != n) throw new IllegalArgumentException(ids.length + " token ids for " + n + " packed tokens");
        if (typeIds != null && typeIds.length != n) throw new IllegalArgumentException(typeIds.length + " token type ids for " + n + " tokens");
        if (attentionMask != null && attentionMask.length != n) {
            throw new IllegalArgumentException(attentionMask.length + " attention mask entries for " + n + " tokens");
        }
    }

    /** Packs sequences given as separate arrays ({@code typeIds} may be null). */
    public static TokenBatch of(int[][] ids, int[][] typeIds) {
        int[] lengths = Arrays.stream(ids).mapToInt(a -> a.length).toArray();
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

    public int tokens() { return sequences.totalTokens(); }
}
