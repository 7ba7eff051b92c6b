package dev.javelin.server.edge;

/**
 * A request that breaks HTTP/1.1's message syntax or framing (RFC 9112). The connection layer answers
 * it with {@code status} and closes the connection, since where the next request starts is unknown.
 */
final class HttpFramingException extends Exception {
    private final int status;

    HttpFramingException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }
}
