package dev.javelin.engine;

/**
 * Which model to load and how to use it. Every front end (the CLI, the pipelines, the server, batch
 * jobs) describes its model with one of these and gets the same {@link Engine}.
 *
 * @param source    a local Hugging Face directory, a javelin-embedding-classifier directory, or a Hub id
 *                  ({@code org/name[@revision]}); null means the embedded default: all-MiniLM-L6-v2 with
 *                  the built-in SST-2 sentiment head on its embeddings (it embeds and classifies)
 * @param pooling   pooling of {@code embed} instead of the model's own; null keeps the model's
 * @param normalize L2 normalisation of {@code embed} by default instead of the model's own; null keeps the model's
 */
public record ModelSpec(String source, Pooling pooling, Boolean normalize) {

    /** The embedded default, with its own pooling and normalisation. */
    public static final ModelSpec DEFAULT = new ModelSpec(null, null, null);

    /** {@code source} with the model's own pooling and normalisation (null: the embedded default). */
    public static ModelSpec of(String source) {
        return new ModelSpec(source, null, null);
    }

    public boolean isDefault() {
        return source == null;
    }
}
