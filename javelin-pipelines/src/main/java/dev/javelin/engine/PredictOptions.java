package dev.javelin.engine;

/**
 * How to classify.
 *
 * @param truncate what to do with an over-long input
 * @param function how logits become scores; null: the model's ({@link ModelInfo#scoreFunction()}:
 *                 sigmoid per label for multi-label models), {@link ScoreFunction#NONE} for raw logits
 * @param topK     labels per input, best first; 0 for all
 */
public record PredictOptions(Truncate truncate, ScoreFunction function, int topK) {
    /** Truncate on the right, the model's score function, every label. */
    public static final PredictOptions DEFAULT = new PredictOptions(Truncate.RIGHT, null, 0);

    public PredictOptions {
        if (topK < 0) throw new IllegalArgumentException("top-k must be 0 (all labels) or more, got " + topK);
    }
}
