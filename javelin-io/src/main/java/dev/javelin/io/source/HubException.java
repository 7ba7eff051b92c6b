package dev.javelin.io.source;

import java.io.IOException;

/** The Hub answered a request with an error status; the message says what to do about it. */
public final class HubException extends IOException {

    private final int status;

    HubException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The HTTP status the Hub answered with. */
    public int status() { return status; }
}
