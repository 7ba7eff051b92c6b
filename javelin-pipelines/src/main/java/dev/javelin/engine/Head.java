package dev.javelin.engine;

/**
 * What answers {@code predict} and {@code rerank} on a model, chosen once at load ({@link ModelSpec#head()})
 * and the same for every caller. {@link #AUTO} reads it from the directory, as text-embeddings-inference
 * does; the others say what the caller expects, so a directory that is something else fails at load
 * with a message naming both, rather than at the first request.
 */
public enum Head {
    /**
     * From the directory: a javelin-embedding-classifier is {@link #JAVELIN}; a checkpoint with a
     * sequence-classification head is {@link #CLASSIFIER}, or {@link #CROSS_ENCODER} when it has one
     * output; a checkpoint without one is {@link #NONE}.
     */
    AUTO,
    /** The checkpoint's own sequence classifier, with two or more labels ({@code /predict}). */
    CLASSIFIER,
    /** The checkpoint's own sequence classifier with one output: a relevance score ({@code /rerank}). */
    CROSS_ENCODER,
    /** A javelin-embedding-classifier directory: a linear head trained on its encoder's embeddings; it embeds and classifies. */
    JAVELIN,
    /** Embeddings only: the encoder alone, a checkpoint's classifier (or a Javelin head's) left unused. */
    NONE;

    /** Parses the names the CLI and the server take: auto, classifier, cross-encoder, javelin, none. */
    public static Head parse(String name) {
        return WireName.parse(Head.class, name, "head");
    }

    public String wireName() {
        return WireName.of(this);
    }
}
