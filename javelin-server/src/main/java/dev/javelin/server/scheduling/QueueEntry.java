package dev.javelin.server.scheduling;

import dev.javelin.tokenizers.Encoding;
import java.util.concurrent.CompletableFuture;

/** One input waiting in the batching queue, and the future its request waits on. */
public final class QueueEntry {
    private final Encoding input;
    private final OutputKind kind;
    private final ClientConnection client;
    private final int outsidePooling;
    private final CompletableFuture<EntryResult> result = new CompletableFuture<>();
    private volatile long enqueuedNanos;

    public QueueEntry(Encoding input, OutputKind kind, ClientConnection client) {
        this(input, kind, client, 0);
    }

    /** {@code outsidePooling}: leading tokens (a prompt) the pooling leaves out ({@code Engine#promptTokensOutsidePooling}). */
    public QueueEntry(Encoding input, OutputKind kind, ClientConnection client, int outsidePooling) {
        this.input = input;
        this.kind = kind;
        this.client = client;
        this.outsidePooling = outsidePooling;
    }

    public int outsidePooling() {
        return outsidePooling;
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
