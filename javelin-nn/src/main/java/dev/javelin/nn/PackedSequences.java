package dev.javelin.nn;

import java.util.Arrays;

/**
 * Sequences of different lengths laid end to end in one [totalTokens, hidden] tensor: sequence
 * {@code s} owns rows {@code [start(s), end(s))}. Dense layers run over all rows at once; only
 * attention needs the boundaries. No row is padding, so no FLOP is spent on pad tokens.
 */
public final class PackedSequences {
    private final int[] offsets;
    private final int maxLength;

    private PackedSequences(int[] offsets) {
        this.offsets = offsets;
        int max = 0;
        for (int s = 0; s + 1 < offsets.length; s++) max = Math.max(max, offsets[s + 1] - offsets[s]);
        this.maxLength = max;
    }

    /** Sequences of the given lengths (each ≥ 1), packed in order. */
    public static PackedSequences ofLengths(int... lengths) {
        int[] offsets = new int[lengths.length + 1];
        for (int s = 0; s < lengths.length; s++) {
            if (lengths[s] < 1) throw new IllegalArgumentException("sequence " + s + " is empty; every sequence needs at least one token");
            offsets[s + 1] = Math.addExact(offsets[s], lengths[s]);
        }
        return new PackedSequences(offsets);
    }

    public int count() { return offsets.length - 1; }

    public int start(int s) { return offsets[s]; }

    public int end(int s) { return offsets[s + 1]; }

    public int length(int s) { return offsets[s + 1] - offsets[s]; }

    public int totalTokens() { return offsets[offsets.length - 1]; }

    public int maxLength() { return maxLength; }

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
