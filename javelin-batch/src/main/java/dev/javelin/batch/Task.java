package dev.javelin.batch;

/** What a batch job computes for each row. */
public enum Task {
    /** A sentence embedding: a list of floats. */
    EMBED,
    /** The best label and its score. */
    CLASSIFY,
    /** A cross-encoder's relevance of the row's text to its query. */
    RERANK
}
