package dev.javelin.nn;

import java.util.Arrays;

/**
 * Sequences of different lengths laid end to end in one [totalTokens, hidden] tensor: sequence
 * {@code s} owns rows {@code [start(s), end(s))}. Dense layers run over all rows at once; only
 * attention needs the boundaries. No row is padding, so no FLOP is spent on pad tokens.
 */
public final class PackedSequences {
    /** Sequence s spans [offsets[s], offsets[s + 1]); entries past {@code count} are stale. */
    private int[] offsets;
    private int count;
    private int maxLength;
    /** Whether {@link #repack} may change this packing: only a {@link #reusable()} one. */
    private final boolean reusable;

    private PackedSequences(int[] offsets, int count, boolean reusable) {
        this.offsets = offsets;
        this.count = count;
        this.reusable = reusable;
        this.maxLength = longest();
    }

    /** Sequences of the given lengths (each ≥ 1), packed in order; never changes. */
    public static PackedSequences ofLengths(int... lengths) {
        int[] offsets = new int[lengths.length + 1];
        fill(offsets, lengths, lengths.length);
        return new PackedSequences(offsets, lengths.length, false);
    }

    /**
     * An empty packing that {@link #repack} refills, for a caller that packs a batch per forward
     * pass and keeps the packing with its other per-pass scratch: it is valid until repacked.
     */
    public static PackedSequences reusable() {
        return new PackedSequences(new int[1], 0, true);
    }

    /**
     * This packing, now of the first {@code count} of {@code lengths} (each ≥ 1), without allocating
     * once it has held as many sequences.
     *
     * @throws IllegalStateException on a packing made by {@link #ofLengths}, which never changes
     */
    public PackedSequences repack(int[] lengths, int count) {
        if (!reusable) throw new IllegalStateException("this packing was made by ofLengths and never changes; repack a reusable() one");
        java.util.Objects.checkFromIndexSize(0, count, lengths.length);
        if (offsets.length < count + 1) offsets = new int[count + 1];
        fill(offsets, lengths, count);
        this.count = count;
        this.maxLength = longest();
        return this;
    }

    private static void fill(int[] offsets, int[] lengths, int count) {
        for (int s = 0; s < count; s++) {
            if (lengths[s] < 1) throw new IllegalArgumentException("sequence " + s + " is empty; every sequence needs at least one token");
            offsets[s + 1] = Math.addExact(offsets[s], lengths[s]);
        }
    }

    private int longest() {
        int max = 0;
        for (int s = 0; s < count; s++) max = Math.max(max, offsets[s + 1] - offsets[s]);
        return max;
    }

    public int count() { return count; }

    public int start(int s) { return offsets[s]; }

    public int end(int s) { return offsets[s + 1]; }

    public int length(int s) { return offsets[s + 1] - offsets[s]; }

    public int totalTokens() { return offsets[count]; }

    public int maxLength() { return maxLength; }

    /** The sequence that owns row {@code token} (0 ≤ token < totalTokens()). */
    public int sequenceOf(int token) {
        java.util.Objects.checkIndex(token, totalTokens());
        int lo = 0, hi = count - 1; // the last s with start(s) ≤ token
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (offsets[mid] <= token) lo = mid;
            else hi = mid - 1;
        }
        return lo;
    }

    /** Each token's position inside its own sequence (0, 1, … per sequence). */
    public int[] positions() {
        int[] pos = new int[totalTokens()];
        for (int s = 0; s < count(); s++) {
            for (int i = start(s); i < end(s); i++) pos[i] = i - start(s);
        }
        return pos;
    }

    @Override
    public String toString() {
        int[] lengths = new int[count()];
        for (int s = 0; s < lengths.length; s++) lengths[s] = length(s);
        return "PackedSequences" + Arrays.toString(lengths);
    }
}
