package dev.javelin.server.scheduling;

import dev.javelin.engine.Engine;
import dev.javelin.engine.Input;
import dev.javelin.engine.InputException;
import dev.javelin.engine.Truncate;
import dev.javelin.tokenizers.Encoding;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Tokenization off the request threads, as TEI's router does it: a few worker threads (tokenizing is
 * CPU work that should not multiply with the number of waiting requests) behind a bounded queue. The
 * rules (empty inputs, the character limit, truncation, the maximum length) are the engine's; this
 * class only schedules them and turns their refusals into TEI's errors.
 */
public final class Tokenization implements AutoCloseable {
    private final Engine engine;
    private final ThreadPoolExecutor workers;
    private final ServerMetrics metrics;

    /**
     * @param capacity tokenization jobs that may wait for a worker; more are refused as overloaded
     */
    public Tokenization(Engine engine, int workers, int capacity, ServerMetrics metrics) {
        this.engine = engine;
        this.metrics = metrics;
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(capacity),
                r -> Thread.ofPlatform().name("javelin-tokenizer-" + n.incrementAndGet()).daemon(true).unstarted(r),
                new ThreadPoolExecutor.AbortPolicy());
    }

    /** Encodes an input for inference (see {@link Engine#encode}), unless its client has gone. */
    public CompletableFuture<Encoding> encode(Input input, Truncate truncate, ClientConnection client) {
        if (input.isEmpty()) {
            return CompletableFuture.failedFuture(ServerError.empty("`inputs` cannot be empty"));
        }
        return submit(() -> {
            if (!client.isOpen()) {
                throw new ServerError(ErrorType.VALIDATION, "client disconnected");
            }
            Encoding encoding = engine.encode(input, truncate);
            metrics.inputLength(encoding.length());
            return encoding;
        });
    }

    /** Tokenizes a text as /tokenize shows it: no truncation, special tokens as asked. */
    public CompletableFuture<Encoding> tokenize(String text, boolean addSpecialTokens) {
        return submit(() -> engine.tokenize(text, addSpecialTokens));
    }

    public CompletableFuture<String> decode(int[] ids, boolean skipSpecialTokens) {
        return submit(() -> engine.decode(ids, skipSpecialTokens));
    }

    private <T> CompletableFuture<T> submit(Supplier<T> job) {
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return job.get();
                } catch (ServerError e) {
                    throw e;
                } catch (InputException e) {
                    throw e.isEmpty() ? ServerError.empty(e.getMessage()) : ServerError.validation(e.getMessage());
                } catch (RuntimeException e) {
                    throw new ServerError(ErrorType.TOKENIZER, "tokenizer error " + e.getMessage());
                }
            }, workers);
        } catch (RejectedExecutionException e) {
            metrics.requestFailure("overloaded");
            return CompletableFuture.failedFuture(ServerError.overloaded());
        }
    }

    @Override
    public void close() {
        workers.shutdown();
    }
}
