package dev.javelin.server.scheduling;

import dev.javelin.engine.Batcher;
import dev.javelin.tokenizers.Encoding;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Dynamic batching in front of the backend, as TEI's queue does it: inputs from all requests wait in
 * arrival order, and a single batch loop thread, the only owner of the waiting entries, cuts the next
 * batch the moment the backend is free, taking the oldest inputs the {@link Batcher} admits (a token
 * budget of real tokens, and an optional input count). Its one job: a channel in, batches run by one
 * owner thread, replies out.
 * Everything that arrives while a batch computes joins the next one. Inputs whose client went away are
 * dropped before compute.
 *
 * <p>Memory is bounded: the queue holds at most {@code capacity} inputs (the server's concurrency
 * permits keep it below that) and refuses more as overloaded.
 */
public final class BatchingQueue implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(BatchingQueue.class.getName());
    private static final QueueEntry SHUTDOWN =
            new QueueEntry(null, OutputKind.POOLED, ClientConnection.ALWAYS_OPEN);

    private final Backend backend;
    private final Batcher batcher;
    private final int capacity;
    private final ServerMetrics metrics;
    private final ArrayBlockingQueue<QueueEntry> inbound;
    /** Drained from {@link #inbound} but not yet batched; touched by the batch loop thread only. */
    private final ArrayDeque<QueueEntry> waiting = new ArrayDeque<>();
    private final AtomicInteger size = new AtomicInteger();
    /** Appends share it; {@link #close()} takes it exclusively so that SHUTDOWN is the last entry ever queued. */
    private final ReentrantReadWriteLock admission = new ReentrantReadWriteLock();
    private boolean closed;
    private boolean shutdownSeen;
    private final Thread loop;
    private volatile long lastSuccessNanos;
    private volatile boolean everSucceeded;
    private volatile boolean lastBatchFailed;

    /**
     * @param batcher  how batches are cut
     * @param capacity most inputs waiting at once
     */
    public BatchingQueue(Backend backend, Batcher batcher, int capacity, ServerMetrics metrics) {
        if (capacity < 1) {
            throw new IllegalArgumentException("the queue capacity must be positive");
        }
        this.backend = backend;
        this.batcher = batcher;
        this.capacity = capacity;
        this.metrics = metrics;
        // Room for every admitted input (size never exceeds capacity) plus the shutdown marker.
        this.inbound = new ArrayBlockingQueue<>(capacity + 1);
        this.loop = Thread.ofPlatform().name("javelin-batch-loop").daemon(true).start(this::runLoop);
    }

    /**
     * Queues an input; its result completes when its batch has run.
     *
     * @throws ServerError overloaded when the queue is full, unhealthy once the queue is closed
     */
    public void append(QueueEntry entry) {
        admission.readLock().lock();
        try {
            if (closed) {
                throw new ServerError(ErrorType.UNHEALTHY, "the server is shutting down");
            }
            if (size.incrementAndGet() > capacity) {
                size.decrementAndGet();
                throw ServerError.overloaded();
            }
            entry.markEnqueued();
            metrics.queueSize(size.get());
            inbound.add(entry);
        } finally {
            admission.readLock().unlock();
        }
    }

    /** Inputs waiting for a batch. */
    public int size() {
        return size.get();
    }

    /** When a batch last ran without error, on {@link System#nanoTime()}'s clock; 0 if never. */
    public long lastSuccessNanos() {
        return everSucceeded ? lastSuccessNanos : 0;
    }

    /** Whether any batch has succeeded and the latest one did not fail. */
    public boolean healthy() {
        return everSucceeded && !lastBatchFailed;
    }

    /** Refuses new inputs, runs every input already queued, then stops the batch loop. */
    @Override
    public void close() {
        admission.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            inbound.put(SHUTDOWN);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            admission.writeLock().unlock();
        }
        try {
            loop.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void runLoop() {
        try {
            List<QueueEntry> batch;
            while ((batch = nextBatch()) != null) {
                if (!batch.isEmpty()) {
                    compute(batch);
                }
            }
        } catch (InterruptedException e) {
            failAll(new ServerError(ErrorType.UNHEALTHY, "the batch loop was interrupted"));
        }
    }

    /** The next batch, empty if everything waiting was abandoned, or null once closed and drained. */
    private List<QueueEntry> nextBatch() throws InterruptedException {
        if (waiting.isEmpty() && !shutdownSeen) {
            accept(inbound.take());
        }
        for (QueueEntry e; (e = inbound.poll()) != null; ) {
            accept(e);
        }
        if (waiting.isEmpty()) {
            return shutdownSeen ? null : List.of();
        }
        List<QueueEntry> batch = new ArrayList<>();
        int tokens = 0;
        while (!waiting.isEmpty()) {
            QueueEntry next = waiting.peekFirst();
            if (next.abandoned()) {
                waiting.pollFirst();
                size.decrementAndGet();
                next.result().completeExceptionally(new ServerError(ErrorType.VALIDATION, "client disconnected"));
                metrics.requestFailure("dropped");
                continue;
            }
            int length = next.input().length();
            if (!batcher.admits(batch.size(), tokens, length)) {
                break;
            }
            waiting.pollFirst();
            size.decrementAndGet();
            batch.add(next);
            tokens += length;
        }
        metrics.queueSize(size.get());
        if (!batch.isEmpty()) {
            metrics.batch(batch.size(), tokens);
        }
        return batch;
    }

    private void accept(QueueEntry entry) {
        if (entry == SHUTDOWN) {
            shutdownSeen = true;
        } else {
            waiting.addLast(entry);
        }
    }

    private void compute(List<QueueEntry> batch) {
        Map<OutputKind, List<QueueEntry>> byKind = new EnumMap<>(OutputKind.class);
        for (QueueEntry e : batch) {
            byKind.computeIfAbsent(e.kind(), k -> new ArrayList<>()).add(e);
        }
        byKind.forEach(this::computeGroup);
    }

    /** Runs one kind of output for its inputs; health is recorded before anyone sees the results. */
    private void computeGroup(OutputKind kind, List<QueueEntry> entries) {
        List<Encoding> inputs = new ArrayList<>(entries.size());
        int[] outsidePooling = new int[entries.size()];
        for (int i = 0; i < entries.size(); i++) {
            inputs.add(entries.get(i).input());
            outsidePooling[i] = entries.get(i).outsidePooling();
        }
        long start = System.nanoTime();
        float[][] vectors = null;
        float[][][] tokens = null;
        try {
            switch (kind) {
                case POOLED -> vectors = backend.embed(inputs, outsidePooling);
                case LOGITS -> vectors = backend.predict(inputs);
                case ALL_TOKENS -> tokens = backend.embedAll(inputs);
            }
            int returned = vectors != null ? vectors.length : tokens.length;
            if (returned != inputs.size()) {
                throw new IllegalStateException("backend returned " + returned + " results for " + inputs.size() + " inputs");
            }
        } catch (Throwable t) {
            LOG.log(Level.WARNING, "inference failed on a batch of " + inputs.size() + " inputs", t);
            ServerError error = ServerError.backend("Inference failed: " + t);
            lastBatchFailed = true;
            for (QueueEntry e : entries) {
                e.result().completeExceptionally(error);
            }
            return;
        }
        long end = System.nanoTime();
        lastSuccessNanos = end;
        everSucceeded = true;
        lastBatchFailed = false;
        for (int i = 0; i < entries.size(); i++) {
            QueueEntry e = entries.get(i);
            e.result().complete(new EntryResult(vectors != null ? vectors[i] : null, tokens != null ? tokens[i] : null,
                    start - e.enqueuedNanos(), end - start));
        }
    }

    private void failAll(ServerError error) {
        waiting.forEach(e -> e.result().completeExceptionally(error));
        waiting.clear();
        for (QueueEntry e; (e = inbound.poll()) != null; ) {
            e.result().completeExceptionally(error);
        }
        size.set(0);
        metrics.queueSize(0);
    }
}
