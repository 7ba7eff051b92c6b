package dev.javelin.server.http;

import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;

/**
 * Hands each HTTP/1.1 request's connection to its handler. Helidon runs a connection's handlers on the
 * connection's own virtual thread, right after reading the request line, so a thread-local set here is
 * the connection of the request the thread is handling.
 */
final class ConnectionTracker implements Http1ConnectionListener {
    private static final ThreadLocal<ConnectionContext> CURRENT = new ThreadLocal<>();

    @Override
    public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
        CURRENT.set(ctx);
    }

    /** The connection of the request handled on this thread, or null outside a request. */
    static ConnectionContext current() {
        return CURRENT.get();
    }
}
