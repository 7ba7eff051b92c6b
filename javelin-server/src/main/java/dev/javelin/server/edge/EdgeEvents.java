package dev.javelin.server.edge;

/** What the connection layer reports to metrics. */
public interface EdgeEvents {
    /** Ignores every event. */
    EdgeEvents NONE = new EdgeEvents() {
    };

    /** A client connection was accepted and is now open. */
    default void connectionOpened() {
    }

    /** An accepted client connection has been closed. */
    default void connectionClosed() {
    }

    /** At the cap, a connection waiting for a request was closed to make room for a new one. */
    default void connectionEvicted() {
    }

    /** A connection over the cap was closed at once: every open one was busy with a request. */
    default void connectionRefused() {
    }

    /** Accepting a connection failed (for instance the file limit was hit); the listener backs off and retries. */
    default void acceptFailed() {
    }

    /** A connection was closed because {@code phase} (idle, request_line, headers, body, write) took too long. */
    default void timedOut(String phase) {
    }

    /** A request was refused before reaching the handlers with {@code status} (400, 405, 431, 501, 505, ...). */
    default void rejected(int status) {
    }
}
