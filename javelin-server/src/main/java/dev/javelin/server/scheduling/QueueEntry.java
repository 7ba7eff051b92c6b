package dev.javelin.server.scheduling;

import dev.javelin.tokenizers.Encoding;
import java.util.concurrent.CompletableFuture;

/** One input waiting in the batching queue, and the future its request waits on. */
public final class QueueEntry {
    private final Encoding input;
    private final OutputKind kind;
    private final ClientConnection client;
    private final CompletableFuture<EntryResult> result = new CompletableFuture<>();
    private volatile long enqueuedNanos;

    public QueueEntry(Encoding input, OutputKind kind, ClientConnection client) {
        this.input = input;
        this.kind = kind;
        this.client = client;
    }

    public Encoding input() {
        return input;
    }

    public OutputKind kind() {
        return kind;
    }

    public CompletableFuture<EntryResult> result() {
        return result;
    }

    void markEnqueued() {
        enqueuedNanos = System.nanoTime();
    }

    long enqueuedNanos() {
        return enqueuedNanos;
    }

    /** Nobody will read the answer: the request gave up on it, or its client disconnected. */
    boolean abandoned() {
        return result.isDone() || !client.isOpen();
    }
}
