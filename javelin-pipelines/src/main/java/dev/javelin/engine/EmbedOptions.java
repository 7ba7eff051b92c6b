package dev.javelin.engine;

/**
 * How to embed.
 *
 * @param truncate   what to do with an over-long input
 * @param normalize  L2-normalise; null: the model's default ({@link ModelInfo#normalize()})
 * @param dimensions keep the first this many dimensions (Matryoshka), before normalising; null: all
 * @param promptName the model's prompt to put before each text ({@link Prompts}); null: its default prompt, if any
 */
public record EmbedOptions(Truncate truncate, Boolean normalize, Integer dimensions, String promptName) {
    /** Truncate on the right, the model's normalisation and default prompt, every dimension. */
    public static final EmbedOptions DEFAULT = new EmbedOptions(Truncate.RIGHT, null, null, null);

    /** With the model's default prompt. */
    public EmbedOptions(Truncate truncate, Boolean normalize, Integer dimensions) {
        this(truncate, normalize, dimensions, null);
    }
}
