package dev.javelin.engine;

/** An input the model cannot take: empty, too long, or naming token ids outside the vocabulary. */
public final class InputException extends IllegalArgumentException {
    private final boolean empty;

    InputException(String message, boolean empty) {
        super(message);
        this.empty = empty;
    }

    static InputException empty(String message) {
        return new InputException(message, true);
    }

    static InputException invalid(String message) {
        return new InputException(message, false);
    }

    /** Whether the input was empty (TEI answers that one with 400, the others with 422). */
    public boolean isEmpty() {
        return empty;
    }
}
