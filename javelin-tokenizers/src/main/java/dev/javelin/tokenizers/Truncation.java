package dev.javelin.tokenizers;

/**
 * Truncation settings ({@code tokenizer.json}'s {@code truncation}): at most {@code maxLength} tokens
 * including special tokens; what is cut off becomes {@link Encoding#overflowing()} windows that
 * overlap the previous one by {@code stride} tokens.
 */
public record Truncation(int maxLength, Strategy strategy, int stride, Direction direction) {

    /** Which sequence of a pair loses tokens. */
    public enum Strategy { LONGEST_FIRST, ONLY_FIRST, ONLY_SECOND }

    /** RIGHT drops the end, LEFT the beginning. */
    public enum Direction { RIGHT, LEFT }

    public Truncation {
        if (maxLength < 0) {
            throw new IllegalArgumentException("truncation max length must be >= 0, got " + maxLength);
        }
        if (stride < 0) {
            throw new IllegalArgumentException("truncation stride must be >= 0, got " + stride);
        }
        if (strategy == null || direction == null) {
            throw new IllegalArgumentException("truncation strategy and direction are required");
        }
    }

    /** Longest-first, no stride, cut on the right: what most models use. */
    public static Truncation of(int maxLength) {
        return new Truncation(maxLength, Strategy.LONGEST_FIRST, 0, Direction.RIGHT);
    }
}
