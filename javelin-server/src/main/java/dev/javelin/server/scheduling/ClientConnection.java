package dev.javelin.server.scheduling;

/**
 * Whether the client that sent a request is still there to read the answer. The batching queue asks
 * right before compute and drops inputs nobody will read.
 */
@FunctionalInterface
public interface ClientConnection {

    /** A client that never goes away (in-process callers, health probes). */
    ClientConnection ALWAYS_OPEN = () -> true;

    boolean isOpen();
}
