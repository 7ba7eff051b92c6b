package dev.javelin.server;

/** The server could not start; the message says why, in a line fit for a terminal. */
public final class ServerStartException extends Exception {
    private final int exitStatus;

    ServerStartException(String message, int exitStatus, Throwable cause) {
        super(message, cause);
        this.exitStatus = exitStatus;
    }

    /** 1: the address could not be bound; 2: the model or the settings are wrong. */
    public int exitStatus() {
        return exitStatus;
    }
}
