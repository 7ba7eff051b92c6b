package dev.javelin.engine;

/**
 * How to rerank.
 *
 * @param truncate   what to do with an over-long (query, text) pair
 * @param rawScores  the cross-encoder's logit instead of its sigmoid
 * @param returnText whether each {@link Rank} carries its text
 */
public record RerankOptions(Truncate truncate, boolean rawScores, boolean returnText) {
    public static final RerankOptions DEFAULT = new RerankOptions(Truncate.RIGHT, false, false);
}
