package dev.javelin.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP load generator for /embed, bounded and self-stopping: either a fixed number of clients each
 * sending its next request as soon as the previous one is answered (saturation), or requests started
 * at a fixed rate whatever the answers (latency measured from the scheduled start, so a slow server
 * cannot hide its queueing). Each answer is checked: 200 with one embedding per input, 429, or an error.
 * A closed-loop client refused with 429 waits as the answer's {@code Retry-After} says before its next
 * request (as OpenAI's and most HTTP client libraries do), unless told to ignore it and retry at once.
 */
final class LoadGenerator {
    /** Requests started at a fixed rate that may be unanswered at once; beyond it they count as errors. */
    private static final int MAX_OUTSTANDING = 4096;

    private final HttpClient client;
    private final URI uri;
    private final List<byte[]> bodies;
    private final int inputsPerRequest;

    /** What a run produced; latencies in milliseconds, sorted, of answered (200) requests. */
    record Stats(long ok, long overloaded, long errors, long embeddings, double seconds, double[] latenciesMs,
                 String firstError) {
        double requestsPerSecond() {
            return ok / seconds;
        }

        double embeddingsPerSecond() {
            return embeddings / seconds;
        }

        double percentileMs(double p) {
            if (latenciesMs.length == 0) {
                return Double.NaN;
            }
            return latenciesMs[(int) Math.min(latenciesMs.length - 1, Math.floor(p / 100 * latenciesMs.length))];
        }
    }

    LoadGenerator(HttpClient client, URI uri, List<byte[]> bodies, int inputsPerRequest) {
        this.client = client;
        this.uri = uri;
        this.bodies = bodies;
        this.inputsPerRequest = inputsPerRequest;
    }

    /** {@code concurrency} clients sending back to back for {@code duration}, honouring Retry-After. */
    Stats closedLoop(int concurrency, Duration duration) throws InterruptedException {
        return closedLoop(concurrency, duration, true);
    }

    /** As {@link #closedLoop(int, Duration)}; {@code honourRetryAfter} false retries a refused request at once. */
    Stats closedLoop(int concurrency, Duration duration, boolean honourRetryAfter) throws InterruptedException {
        Recorder recorder = new Recorder();
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        List<Thread> clients = new ArrayList<>(concurrency);
        for (int c = 0; c < concurrency; c++) {
            clients.add(Thread.ofVirtual().start(() -> {
                while (System.nanoTime() < end) {
                    long sent = System.nanoTime();
                    Outcome outcome = send(bodies.get(Math.floorMod(next.getAndIncrement(), bodies.size())));
                    recorder.record(outcome, sent);
                    if (honourRetryAfter && outcome.retryAfterSeconds() > 0) {
                        long wait = Math.min(TimeUnit.SECONDS.toNanos(outcome.retryAfterSeconds()), end - System.nanoTime());
                        if (wait > 0) {
                            try {
                                TimeUnit.NANOSECONDS.sleep(wait);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                return;
                            }
                        }
                    }
                }
            }));
        }
        for (Thread t : clients) {
            t.join();
        }
        return recorder.stats((System.nanoTime() - start) / 1e9);
    }

    /** Requests started {@code rate} times a second for {@code duration}, then waits for their answers. */
    Stats openLoop(double rate, Duration duration) throws InterruptedException {
        Recorder recorder = new Recorder();
        Semaphore outstanding = new Semaphore(MAX_OUTSTANDING);
        long start = System.nanoTime();
        long count = (long) (rate * duration.toNanos() / 1e9);
        for (long i = 0; i < count; i++) {
            long scheduled = start + (long) (i * 1e9 / rate);
            long wait = scheduled - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            if (!outstanding.tryAcquire()) {
                recorder.record(new Outcome(-1, "more than " + MAX_OUTSTANDING + " requests unanswered"), scheduled);
                continue;
            }
            byte[] body = bodies.get((int) (i % bodies.size()));
            Thread.ofVirtual().start(() -> {
                try {
                    recorder.record(send(body), scheduled);
                } finally {
                    outstanding.release();
                }
            });
        }
        outstanding.acquire(MAX_OUTSTANDING);
        return recorder.stats((System.nanoTime() - start) / 1e9);
    }

    /** @param retryAfterSeconds the answer's Retry-After, 0 when it has none */
    private record Outcome(int status, String error, long retryAfterSeconds) {
        Outcome(int status, String error) {
            this(status, error, 0);
        }
    }

    private Outcome send(byte[] body) {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try {
            HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() == 200) {
                int vectors = vectors(response.body());
                return vectors == inputsPerRequest ? new Outcome(200, null)
                        : new Outcome(-1, "200 with " + vectors + " embeddings for " + inputsPerRequest + " inputs");
            }
            long retryAfter = response.headers().firstValue("retry-after").map(LoadGenerator::seconds).orElse(0L);
            return new Outcome(response.statusCode(), response.statusCode() + ": " + new String(response.body()), retryAfter);
        } catch (IOException e) {
            return new Outcome(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(-1, e.toString());
        }
    }

    /** A Retry-After value in seconds; an HTTP date (which the server never sends) or junk counts as none. */
    private static long seconds(String retryAfter) {
        try {
            return Math.max(0, Long.parseLong(retryAfter.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Number of vectors in a 2-D JSON array of numbers, without parsing the numbers. */
    static int vectors(byte[] json) {
        if (json.length < 4 || json[0] != '[' || json[1] != '[') {
            return 0;
        }
        int open = 0;
        for (byte b : json) {
            if (b == '[') {
                open++;
            }
        }
        return open - 1;
    }

    private final class Recorder {
        private final AtomicLong ok = new AtomicLong();
        private final AtomicLong overloaded = new AtomicLong();
        private final AtomicLong errors = new AtomicLong();
        private final ConcurrentLinkedQueue<Double> latencies = new ConcurrentLinkedQueue<>();
        private volatile String firstError;

        void record(Outcome outcome, long startNanos) {
            switch (outcome.status()) {
                case 200 -> {
                    ok.incrementAndGet();
                    latencies.add((System.nanoTime() - startNanos) / 1e6);
                }
                case 429 -> overloaded.incrementAndGet();
                default -> {
                    errors.incrementAndGet();
                    if (firstError == null) {
                        firstError = outcome.error();
                    }
                }
            }
        }

        Stats stats(double seconds) {
            double[] sorted = latencies.stream().mapToDouble(Double::doubleValue).toArray();
            Arrays.sort(sorted);
            return new Stats(ok.get(), overloaded.get(), errors.get(), ok.get() * inputsPerRequest, seconds, sorted,
                    firstError);
        }
    }
}
