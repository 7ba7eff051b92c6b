package dev.javelin.server.scheduling;

/**
 * A request the server refuses or cannot complete, with the TEI error kind the client sees. The
 * status is the kind's, except where TEI answers otherwise for the same kind (a body over the payload
 * limit is a validation error answered with 413).
 */
public final class ServerError extends RuntimeException {
    private final ErrorType type;
    private final int status;
    private final String reason;

    public ServerError(ErrorType type, String message) {
        this(type, type.status(), message, null);
    }

    private ServerError(ErrorType type, int status, String message, String reason) {
        super(message, null, false, false);
        this.type = type;
        this.status = status;
        this.reason = reason;
    }

    public static ServerError validation(String message) {
        return new ServerError(ErrorType.VALIDATION, message);
    }

    public static ServerError empty(String message) {
        return new ServerError(ErrorType.EMPTY, message);
    }

    public static ServerError overloaded() {
        return new ServerError(ErrorType.OVERLOADED, "Model is overloaded");
    }

    public static ServerError backend(String message) {
        return new ServerError(ErrorType.BACKEND, message);
    }

    /** A route the served model cannot answer (TEI: 424, counted as a {@code model_type} failure). */
    public static ServerError wrongModelType(String message) {
        return new ServerError(ErrorType.BACKEND, ErrorType.BACKEND.status(), message, "model_type");
    }

    public static ServerError payloadTooLarge(long limit) {
        return new ServerError(ErrorType.VALIDATION, 413,
                "request body is larger than the payload limit of " + limit + " bytes (--payload-limit)", null);
    }

    public ErrorType type() {
        return type;
    }

    public int status() {
        return status;
    }

    /** TEI's {@code err} label of {@code te_request_failure} for this error. */
    public String failureLabel() {
        if (reason != null) {
            return reason;
        }
        return switch (type) {
            case VALIDATION, EMPTY -> "validation";
            case TOKENIZER -> "tokenization";
            case OVERLOADED -> "overloaded";
            case BACKEND -> "inference";
            case UNHEALTHY -> "unhealthy";
        };
    }
}
