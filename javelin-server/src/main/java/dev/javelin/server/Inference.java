package dev.javelin.server;

import dev.javelin.tokenizers.Encoding;
import dev.javelin.tokenizers.Tokenizer;
import dev.javelin.tokenizers.Truncation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The serving core between the HTTP routes and the backend (TEI's {@code Infer}): concurrency permits,
 * tokenization, the batching queue, and the post-processing each route needs (normalisation,
 * Matryoshka dimensions, softmax/sigmoid and labels, rerank order, cosine similarity).
 *
 * <p>Every input of a request takes a permit from a pool of {@code --max-concurrent-requests}; when
 * too few are free the request fails at once as overloaded (429), before any work is done.
 */
public final class Inference implements AutoCloseable {
    /** A batch that succeeded this recently proves the model healthy without a probe. */
    private static final long HEALTH_MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long HEALTH_PROBE_TIMEOUT_SECONDS = 30;

    private final Backend backend;
    private final BackendInfo info;
    private final ServerConfig config;
    private final ServerMetrics metrics;
    private final Tokenization tokenization;
    private final BatchingQueue queue;
    private final Semaphore permits;
    private final Object probeLock = new Object();
    private CompletableFuture<EntryResult> probe;

    public Inference(Backend backend, Tokenizer tokenizer, ServerConfig config, ServerMetrics metrics) {
        this.backend = backend;
        this.info = backend.info();
        this.config = config;
        this.metrics = metrics;
        if (config.maxBatchTokens() < info.maxInputLength()) {
            throw new IllegalArgumentException("--max-batch-tokens (" + config.maxBatchTokens()
                    + ") must be larger or equal to the model's max input length (" + info.maxInputLength() + ")");
        }
        metrics.forModel(info.maxInputLength());
        int inFlight = config.maxConcurrentRequests();
        this.permits = new Semaphore(inFlight);
        this.tokenization = new Tokenization(tokenizer, info.maxInputLength(), config.effectiveTokenizationWorkers(),
                inFlight, metrics);
        // Twice the permits: a failed request returns its permits at once while its inputs may still wait
        // to be dropped; one more for a health probe, which takes no permit.
        this.queue = new BatchingQueue(backend, config.maxBatchTokens(), config.maxBatchRequests(), 2 * inFlight + 1,
                metrics);
    }

    public BackendInfo info() {
        return info;
    }

    public ServerConfig config() {
        return config;
    }

    /** Checks a request's number of inputs against {@code --max-client-batch-size}. */
    public void checkBatchSize(int size) {
        if (size > config.maxClientBatchSize()) {
            throw ServerError.validation("batch size " + size + " > maximum allowed batch size "
                    + config.maxClientBatchSize());
        }
    }

    /** Pooled embeddings, optionally cut to the first {@code dimensions} (Matryoshka) and normalised. */
    public Timed<float[][]> embed(List<Input> inputs, boolean truncate, Truncation.Direction direction,
                                  boolean normalize, Integer dimensions, ClientConnection client) {
        requireEmbedding();
        if (dimensions != null && dimensions <= 0) {
            throw ServerError.validation("`dimensions` should be positive");
        }
        if (dimensions != null && dimensions > info.hiddenSize()) {
            throw ServerError.validation("`dimensions` should be smaller than the maximum embedding dimension.");
        }
        Timed<EntryResult[]> run = run(inputs, OutputKind.POOLED, truncate, direction, client);
        float[][] out = new float[inputs.size()][];
        for (int i = 0; i < out.length; i++) {
            float[] v = run.value()[i].vector();
            if (dimensions != null && dimensions < v.length) {
                v = Arrays.copyOf(v, dimensions);
            }
            out[i] = normalize ? VectorMath.normalized(v) : v;
        }
        return new Timed<>(out, run.timings());
    }

    /** The last hidden state of every token. */
    public Timed<float[][][]> embedAll(List<Input> inputs, boolean truncate, Truncation.Direction direction,
                                       ClientConnection client) {
        requireEmbedding();
        Timed<EntryResult[]> run = run(inputs, OutputKind.ALL_TOKENS, truncate, direction, client);
        float[][][] out = new float[inputs.size()][][];
        for (int i = 0; i < out.length; i++) {
            out[i] = run.value()[i].tokens();
        }
        return new Timed<>(out, run.timings());
    }

    /** Every label's score, highest first: softmax (one label: sigmoid) of the logits, or the raw logits. */
    public Timed<List<List<Prediction>>> predict(List<Input> inputs, boolean truncate, Truncation.Direction direction,
                                                 boolean rawScores, ClientConnection client) {
        if (!info.predicts()) {
            throw ServerError.wrongModelType("Model is not a classifier model");
        }
        Timed<EntryResult[]> run = run(inputs, OutputKind.LOGITS, truncate, direction, client);
        List<List<Prediction>> out = new ArrayList<>(inputs.size());
        for (EntryResult r : run.value()) {
            float[] scores = rawScores ? r.vector() : VectorMath.probabilities(r.vector());
            List<Prediction> predictions = new ArrayList<>(scores.length);
            for (int label = 0; label < scores.length; label++) {
                requireNumber(scores[label]);
                predictions.add(new Prediction(scores[label], info.id2label().getOrDefault(label, "LABEL_" + label)));
            }
            predictions.sort(Comparator.comparingDouble(Prediction::score).reversed());
            out.add(predictions);
        }
        return new Timed<>(out, run.timings());
    }

    /** The texts ranked by the cross-encoder's score against the query, highest first. */
    public Timed<List<Rank>> rerank(String query, List<String> texts, boolean truncate, Truncation.Direction direction,
                                    boolean rawScores, boolean returnText, ClientConnection client) {
        if (texts.isEmpty()) {
            throw ServerError.empty("`texts` cannot be empty");
        }
        if (!info.reranks()) {
            throw ServerError.wrongModelType("model is not a re-ranker model");
        }
        checkBatchSize(texts.size());
        List<Input> pairs = texts.stream().<Input>map(t -> new Input.Pair(query, t)).toList();
        Timed<EntryResult[]> run = run(pairs, OutputKind.LOGITS, truncate, direction, client);
        List<Rank> ranks = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            float logit = run.value()[i].vector()[0];
            float score = rawScores ? logit : VectorMath.sigmoid(logit);
            requireNumber(score);
            ranks.add(new Rank(i, returnText ? texts.get(i) : null, score));
        }
        ranks.sort(Comparator.comparingDouble(Rank::score).reversed());
        return new Timed<>(ranks, run.timings());
    }

    /** Cosine similarity of each sentence to the source sentence. */
    public Timed<float[]> similarity(String source, List<String> sentences, boolean truncate,
                                     Truncation.Direction direction, ClientConnection client) {
        if (sentences.isEmpty()) {
            throw ServerError.empty("`inputs.sentences` cannot be empty");
        }
        checkBatchSize(sentences.size() + 1);
        List<Input> inputs = new ArrayList<>(sentences.size() + 1);
        inputs.add(new Input.Text(source));
        sentences.forEach(s -> inputs.add(new Input.Text(s)));
        Timed<float[][]> embeddings = embed(inputs, truncate, direction, false, null, client);
        float[][] e = embeddings.value();
        float[] out = new float[sentences.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = VectorMath.cosine(e[0], e[i + 1]);
        }
        return new Timed<>(out, embeddings.timings());
    }

    /** Tokens of each text, with spans in UTF-8 bytes as TEI reports them. */
    public List<List<SimpleToken>> tokenize(List<String> texts, boolean addSpecialTokens) {
        List<CompletableFuture<Encoding>> futures = new ArrayList<>(texts.size());
        for (String text : texts) {
            futures.add(tokenization.tokenize(text, addSpecialTokens));
        }
        List<List<SimpleToken>> out = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            out.add(SimpleToken.of(texts.get(i), await(futures.get(i))));
        }
        return out;
    }

    public List<String> decode(List<int[]> ids, boolean skipSpecialTokens) {
        List<CompletableFuture<String>> futures = new ArrayList<>(ids.size());
        for (int[] i : ids) {
            futures.add(tokenization.decode(i, skipSpecialTokens));
        }
        List<String> out = new ArrayList<>(ids.size());
        for (CompletableFuture<String> f : futures) {
            out.add(await(f));
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
                QueueEntry entry = new QueueEntry(tokenization.minimalInput(),
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

    /** Runs inputs through tokenization and the queue; all of them, or the first error. */
    private Timed<EntryResult[]> run(List<Input> inputs, OutputKind kind, boolean truncate,
                                     Truncation.Direction direction, ClientConnection client) {
        long start = System.nanoTime();
        int n = inputs.size();
        if (n == 0) {
            throw ServerError.empty("`inputs` cannot be empty");
        }
        if (!permits.tryAcquire(n)) {
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
                futures.add(tokenization.encode(inputs.get(i), truncate, direction, live).thenCompose(encoding -> {
                    tokenizationNanos[index] = System.nanoTime() - submitted;
                    tokens[index] = encoding.length();
                    QueueEntry entry = new QueueEntry(encoding, kind, live);
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

    private void requireEmbedding() {
        if (!info.embeds()) {
            throw ServerError.wrongModelType("Model is not an embedding model");
        }
    }

    private static void requireNumber(float score) {
        if (Float.isNaN(score)) {
            throw ServerError.backend("score is NaN");
        }
    }

    /** Stops taking inputs, finishes those queued, then releases the model. */
    @Override
    public void close() {
        queue.close();
        tokenization.close();
        backend.close();
    }
}
