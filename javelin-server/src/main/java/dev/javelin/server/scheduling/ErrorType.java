package dev.javelin.server.scheduling;

/**
 * The error kinds of TEI's wire contract: each serialises as TEI spells it in {@code error_type} and
 * carries the HTTP status TEI answers with.
 */
public enum ErrorType {
    UNHEALTHY("Unhealthy", 503),
    BACKEND("Backend", 424),
    OVERLOADED("Overloaded", 429),
    VALIDATION("Validation", 422),
    TOKENIZER("Tokenizer", 422),
    EMPTY("Empty", 400);

    private final String wireName;
    private final int status;

    ErrorType(String wireName, int status) {
        this.wireName = wireName;
        this.status = status;
    }

    /** The value of {@code error_type} in error bodies. */
    public String wireName() {
        return wireName;
    }

    /** The HTTP status TEI answers for this kind of error. */
    public int status() {
        return status;
    }
}
