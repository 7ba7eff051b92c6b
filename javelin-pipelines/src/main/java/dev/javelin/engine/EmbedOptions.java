package dev.javelin.engine;

/**
 * How to embed.
 *
 * @param truncate   what to do with an over-long input
 * @param normalize  L2-normalise; null: the model's default ({@link ModelInfo#normalize()})
 * @param dimensions keep the first this many dimensions (Matryoshka), before normalising; null: all
 */
public record EmbedOptions(Truncate truncate, Boolean normalize, Integer dimensions) {
    /** Truncate on the right, the model's normalisation, every dimension. */
    public static final EmbedOptions DEFAULT = new EmbedOptions(Truncate.RIGHT, null, null);
}
