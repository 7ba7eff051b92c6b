package dev.javelin.engine;

/** What to do with an input longer than the model's maximum length. */
public enum Truncate {
    /** Refuse it. */
    NONE,
    /** Keep its first tokens (Hugging Face's default). */
    RIGHT,
    /** Keep its last tokens. */
    LEFT
}
