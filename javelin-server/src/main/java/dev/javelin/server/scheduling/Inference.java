package dev.javelin.server.scheduling;

import dev.javelin.engine.EmbedOptions;
import dev.javelin.engine.Engine;
import dev.javelin.engine.Input;
import dev.javelin.engine.InputException;
import dev.javelin.engine.Label;
import dev.javelin.engine.ModelInfo;
import dev.javelin.engine.PredictOptions;
import dev.javelin.engine.Rank;
import dev.javelin.engine.RerankOptions;
import dev.javelin.engine.Truncate;
import dev.javelin.engine.UnsupportedTaskException;
import dev.javelin.tokenizers.Encoding;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The serving core between the HTTP routes and the {@link Engine} (TEI's {@code Infer}): concurrency
 * permits, tokenization workers and the batching queue. Each request runs the engine's three stages:
 * tokenization on the workers, the forward pass in a batch the queue cuts, and the engine's
 * post-processing; nothing here computes on the outputs.
 *
 * <p>Every input of a request takes a permit from a pool of {@code --max-concurrent-requests}; when
 * too few are free the request fails as overloaded (429) before any work is done, and
 * {@link #admit()} lets the routes refuse before they even parse the body. Both wait up to
 * {@link #ADMISSION_WAIT_MILLIS} for permits first: a request that a finishing one makes room for is
 * served instead of refused, and a client that retries at once on every 429, ignoring Retry-After,
 * spins at most that often, so that refusals do not eat the capacity they protect.
 */
public final class Inference implements AutoCloseable {
    /** A batch that succeeded this recently proves the model healthy without a probe. */
    private static final long HEALTH_MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long HEALTH_PROBE_TIMEOUT_SECONDS = 30;
    /** How long a request may wait for permits before it is refused. */
    static final long ADMISSION_WAIT_MILLIS = 100;

    private final Engine engine;
    private final ModelInfo info;
    private final Limits limits;
    private final Tokenization tokenization;
    private final BatchingQueue queue;
    private final Semaphore permits;
    private final Object probeLock = new Object();
    private CompletableFuture<EntryResult> probe;

    /**
     * The scheduling settings.
     *
     * @param maxConcurrentRequests inputs in flight at once
     * @param maxClientBatchSize    most inputs in one request
     * @param tokenizationWorkers   threads that tokenize
     */
    public record Limits(int maxConcurrentRequests, int maxClientBatchSize, int tokenizationWorkers) {
    }

    /** Serves {@code engine}; the queue cuts batches with the engine's {@link Engine#batcher()}. */
    public Inference(Engine engine, Limits limits, ServerMetrics metrics) {
        this.engine = engine;
        this.info = engine.info();
        this.limits = limits;
        metrics.forModel(info.maxInputLength());
        int inFlight = limits.maxConcurrentRequests();
        this.permits = new Semaphore(inFlight);
        this.tokenization = new Tokenization(engine, limits.tokenizationWorkers(), inFlight, metrics);
        // Twice the permits: a failed request returns its permits at once while its inputs may still wait
        // to be dropped; one more for a health probe, which takes no permit.
        this.queue = new BatchingQueue(Backend.of(engine), engine.batcher(), 2 * inFlight + 1, metrics);
    }

    public ModelInfo info() {
        return info;
    }

    public Limits limits() {
        return limits;
    }

    /** How batches are cut. */
    public dev.javelin.engine.Batcher batcher() {
        return engine.batcher();
    }

    /**
     * Whether a new request can be considered: a permit is free, or frees within the admission wait.
     * When not, the request is refused before its body is parsed.
     */
    public boolean admit() {
        if (permits.availablePermits() > 0) {
            return true;
        }
        if (!acquire(1)) {
            return false;
        }
        permits.release(1);
        return true;
    }

    private boolean acquire(int n) {
        try {
            return permits.tryAcquire(n, ADMISSION_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }


    /** Checks a request's number of inputs: not empty, at most {@code --max-client-batch-size}. */
    public void checkBatchSize(int size, String field) {
        if (size == 0) {
            throw ServerError.empty("`" + field + "` cannot be empty");
        }
        if (size > limits.maxClientBatchSize()) {
            throw ServerError.validation("batch size " + size + " > maximum allowed batch size "
                    + limits.maxClientBatchSize());
        }
    }

    /** The inputs with the model's prompt before each text ({@link Engine#prompted}). */
    public List<Input> prompted(List<Input> inputs, String promptName) {
        try {
            return engine.prompted(inputs, promptName);
        } catch (InputException e) {
            throw ServerError.validation(e.getMessage());
        }
    }

    /** Embeddings as the engine post-processes them (prompt, Matryoshka dimensions, normalisation). */
    public Timed<float[][]> embed(List<Input> inputs, EmbedOptions options, ClientConnection client) {
        task(engine::requireEmbeds);
        try {
            engine.checkDimensions(options.dimensions());
        } catch (InputException e) {
            throw ServerError.validation(e.getMessage());
        }
        return run(prompted(inputs, options.promptName()), OutputKind.POOLED, options.truncate(), client, outsidePooling(options.promptName()))
                .map(r -> each(r, e -> engine.embedding(e.vector(), options)).toArray(float[][]::new));
    }

    /** The last hidden state of every token. */
    public Timed<float[][][]> embedAll(List<Input> inputs, Truncate truncate, String promptName, ClientConnection client) {
        task(engine::requireEmbeds);
        return run(prompted(inputs, promptName), OutputKind.ALL_TOKENS, truncate, client, 0).map(r -> each(r, EntryResult::tokens).toArray(float[][][]::new));
    }

    /** Every label's score, best first, as the engine scores them (softmax, per-label sigmoid or raw logits). */
    public Timed<List<List<Label>>> predict(List<Input> inputs, PredictOptions options, ClientConnection client) {
        task(engine::requirePredicts);
        return run(inputs, OutputKind.LOGITS, options.truncate(), client, 0).map(r -> each(r, e -> engine.labels(e.vector(), options)));
    }

    /** The texts ranked by the cross-encoder's score against the query, best first. */
    public Timed<List<Rank>> rerank(String query, List<String> texts, RerankOptions options, ClientConnection client) {
        checkBatchSize(texts.size(), "texts");
        task(engine::requireReranks);
        List<Input> pairs = texts.stream().<Input>map(t -> new Input.Pair(query, t)).toList();
        return run(pairs, OutputKind.LOGITS, options.truncate(), client, 0).map(r -> {
            List<Float> relevance = each(r, e -> engine.relevance(e.vector(), options.rawScores()));
            float[] scores = new float[relevance.size()];
            for (int i = 0; i < scores.length; i++) {
                scores[i] = relevance.get(i);
            }
            return engine.ranks(scores, texts, options.returnText());
        });
    }

    /** Cosine similarity of each sentence to the source sentence. */
    public Timed<float[]> similarity(String source, List<String> sentences, Truncate truncate, String promptName,
                                     ClientConnection client) {
        if (sentences.isEmpty()) {
            throw ServerError.empty("`inputs.sentences` cannot be empty");
        }
        checkBatchSize(sentences.size() + 1, "inputs.sentences");
        task(engine::requireEmbeds);
        List<Input> inputs = new ArrayList<>(sentences.size() + 1);
        inputs.add(Input.of(source));
        sentences.forEach(s -> inputs.add(Input.of(s)));
        return run(prompted(inputs, promptName), OutputKind.POOLED, truncate, client, outsidePooling(promptName))
                .map(r -> engine.similarities(each(r, EntryResult::vector).toArray(float[][]::new)));
    }

    /** The tokens of each text, untruncated, special tokens as asked. */
    public List<Encoding> tokenize(List<String> texts, boolean addSpecialTokens) {
        List<CompletableFuture<Encoding>> futures = new ArrayList<>(texts.size());
        for (String text : texts) {
            futures.add(tokenization.tokenize(text, addSpecialTokens));
        }
        return futures.stream().map(Inference::await).toList();
    }

    public List<String> decode(List<int[]> ids, boolean skipSpecialTokens) {
        List<CompletableFuture<String>> futures = new ArrayList<>(ids.size());
        for (int[] i : ids) {
            futures.add(tokenization.decode(i, skipSpecialTokens));
        }
        return futures.stream().map(Inference::await).toList();
    }

    /** A task the model cannot do is TEI's 424. */
    private static void task(Runnable requirement) {
        try {
            requirement.run();
        } catch (UnsupportedTaskException e) {
            throw ServerError.wrongModelType(e.getMessage());
        }
    }

    /** The engine's post-processing of each input's output; a failure there (a NaN score) is the backend's. */
    private static <T> List<T> each(EntryResult[] results, Function<EntryResult, T> post) {
        List<T> out = new ArrayList<>(results.length);
        try {
            for (EntryResult r : results) {
                out.add(post.apply(r));
            }
        } catch (IllegalStateException e) {
            throw ServerError.backend(e.getMessage());
        }
        return out;
    }

    /**
     * Whether the model answers: yes at once if a batch succeeded in the last seconds, otherwise after a
     * real forward pass of the smallest input through the queue (concurrent checks share one).
     */
    public boolean health() {
        if (queue.healthy() && System.nanoTime() - queue.lastSuccessNanos() < HEALTH_MAX_AGE_NANOS) {
            return true;
        }
        CompletableFuture<EntryResult> running;
        synchronized (probeLock) {
            if (probe == null || probe.isDone()) {
                QueueEntry entry = new QueueEntry(engine.minimalInput(),
                        info.embeds() ? OutputKind.POOLED : OutputKind.LOGITS, ClientConnection.ALWAYS_OPEN);
                try {
                    queue.append(entry);
                } catch (ServerError e) {
                    return false;
                }
                probe = entry.result();
            }
            running = probe;
        }
        try {
            running.get(HEALTH_PROBE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The prompt's tokens the pooling leaves out ({@link Engine#promptTokensOutsidePooling}). */
    private int outsidePooling(String promptName) {
        try {
            return engine.promptTokensOutsidePooling(promptName);
        } catch (InputException e) {
            throw ServerError.validation(e.getMessage());
        }
    }

    /**
     * Runs inputs through tokenization and the queue; all of them, or the first error. The pooling
     * leaves out each input's first {@code outsidePooling} tokens.
     */
    private Timed<EntryResult[]> run(List<Input> inputs, OutputKind kind, Truncate truncate, ClientConnection client, int outsidePooling) {
        long start = System.nanoTime();
        int n = inputs.size();
        if (n == 0) {
            throw ServerError.empty("`inputs` cannot be empty");
        }
        if (!permits.tryAcquire(n) && !acquire(n)) {
            throw ServerError.overloaded();
        }
        AtomicBoolean failed = new AtomicBoolean();
        ClientConnection live = () -> !failed.get() && client.isOpen();
        long[] tokenizationNanos = new long[n];
        int[] tokens = new int[n];
        try {
            List<CompletableFuture<EntryResult>> futures = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int index = i;
                long submitted = System.nanoTime();
                futures.add(tokenization.encode(inputs.get(i), truncate, live).thenCompose(encoding -> {
                    tokenizationNanos[index] = System.nanoTime() - submitted;
                    tokens[index] = encoding.length();
                    QueueEntry entry = new QueueEntry(encoding, kind, live, outsidePooling);
                    queue.append(entry);
                    return entry.result();
                }));
            }
            EntryResult[] results = new EntryResult[n];
            long queueNanos = 0;
            long inferenceNanos = 0;
            for (int i = 0; i < n; i++) {
                results[i] = await(futures.get(i));
                queueNanos += results[i].queueNanos();
                inferenceNanos += results[i].inferenceNanos();
            }
            long tokenizationTotal = 0;
            int tokenTotal = 0;
            int chars = 0;
            for (int i = 0; i < n; i++) {
                tokenizationTotal += tokenizationNanos[i];
                tokenTotal += tokens[i];
                chars += inputs.get(i).chars();
            }
            return new Timed<>(results, new Timings(chars, tokenTotal, start, tokenizationTotal / n, queueNanos / n,
                    inferenceNanos / n));
        } catch (RuntimeException e) {
            // Inputs of this request still queued are dropped before compute.
            failed.set(true);
            throw e;
        } finally {
            permits.release(n);
        }
    }

    private static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ServerError error) {
                throw error;
            }
            throw ServerError.backend("Inference failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServerError(ErrorType.UNHEALTHY, "interrupted while waiting for the model");
        }
    }

    /** Stops taking inputs, finishes those queued, then releases the model. */
    @Override
    public void close() {
        queue.close();
        tokenization.close();
        engine.close();
    }
}
