package dev.javelin.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.javelin.pipelines.EmbeddingsPipeline;
import dev.javelin.pipelines.Pipelines;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code javelin bench serve}: the HTTP server under load from a separate process, next to the
 * in-process pipeline on the same texts — throughput at saturation, latency at a fixed arrival rate,
 * behaviour under overload (429s only), resident memory across a soak, cold start and SIGTERM.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Load-test `javelin serve` (launched as its own process on a loopback port) against the",
                "in-process embeddings pipeline on the same texts."})
public final class ServeBenchCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--model", description = "Model to serve (default: the embedded all-MiniLM-L6-v2).")
    String model;

    @Option(names = "--texts-per-request", defaultValue = "8", description = "Inputs per /embed request (default: ${DEFAULT-VALUE}).")
    int textsPerRequest;

    @Option(names = "--concurrency", defaultValue = "16",
            description = "Clients at saturation and during the soak (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--seconds", defaultValue = "20",
            description = "Length of the in-process, saturation, fixed-rate and overload phases (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--rate", description = "Requests/s of the fixed-rate phase (default: half the measured saturation rate).")
    Double rate;

    @Option(names = "--max-concurrent-requests", defaultValue = "128",
            description = "The server's --max-concurrent-requests (default: ${DEFAULT-VALUE}); overload drives 4x as many inputs.")
    int maxConcurrentRequests;

    @Option(names = "--soak-seconds", defaultValue = "240", description = "Length of the soak (default: ${DEFAULT-VALUE}).")
    int soakSeconds;

    @Option(names = "--launcher", defaultValue = "./javelin", description = "The javelin launcher (default: ${DEFAULT-VALUE}).")
    Path launcher;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON.")
    Path json;

    @Override
    public Integer call() throws Exception {
        if (textsPerRequest < 1 || concurrency < 1 || seconds < 1 || soakSeconds < 1 || maxConcurrentRequests < 1) {
            System.err.println("bench serve: counts and durations must be positive");
            return 2;
        }
        List<String> texts;
        double inProcess;
        try (EmbeddingsPipeline pipeline = Pipelines.embeddings(model)) {
            texts = TextMix.generate(pipeline.encoder().tokenizer(), 1024, 4, 40, 42);
            inProcess = inProcessEmbeddingsPerSecond(pipeline, texts);
        }
        System.out.printf("texts: %d sentences of 4-40 words, %d per request%n", texts.size(), textsPerRequest);
        System.out.printf("in-process pipeline (batches of 32): %.1f embeddings/s%n", inProcess);

        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i + textsPerRequest <= texts.size(); i += textsPerRequest) {
            bodies.add(JSON.writeValueAsBytes(Map.of("inputs", texts.subList(i, i + textsPerRequest))));
        }
        List<String> serverArgs = new ArrayList<>(List.of("--max-concurrent-requests", Integer.toString(maxConcurrentRequests)));
        if (model != null) {
            serverArgs.addAll(List.of("--model", model));
        }
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("in_process_per_s", inProcess);
        try (ServerProcess server = ServerProcess.start(launcher, serverArgs, Duration.ofMinutes(5))) {
            System.out.printf("cold start (launch to healthy): %d ms%n", server.coldStartMillis());
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            LoadGenerator load = new LoadGenerator(client, URI.create(server.baseUrl() + "/embed"), bodies, textsPerRequest);
            load.closedLoop(concurrency, Duration.ofSeconds(Math.min(10, seconds)));

            LoadGenerator.Stats saturated = load.closedLoop(concurrency, Duration.ofSeconds(seconds));
            System.out.printf("HTTP saturation (%d clients): %.1f requests/s, %.1f embeddings/s = %.1f%% of in-process;"
                            + " p50 %.1f ms; errors %d, 429s %d%n", concurrency, saturated.requestsPerSecond(),
                    saturated.embeddingsPerSecond(), 100 * saturated.embeddingsPerSecond() / inProcess,
                    saturated.percentileMs(50), saturated.errors(), saturated.overloaded());
            reportFirstError(saturated);

            double fixedRate = rate != null ? rate : saturated.requestsPerSecond() / 2;
            LoadGenerator.Stats paced = load.openLoop(fixedRate, Duration.ofSeconds(seconds));
            System.out.printf("HTTP fixed rate %.1f requests/s: p50 %.1f ms, p99 %.1f ms; errors %d, 429s %d%n", fixedRate,
                    paced.percentileMs(50), paced.percentileMs(99), paced.errors(), paced.overloaded());
            reportFirstError(paced);

            int overloadClients = Math.max(concurrency, 4 * maxConcurrentRequests / textsPerRequest);
            LoadGenerator.Stats overload = load.closedLoop(overloadClients, Duration.ofSeconds(seconds));
            System.out.printf("HTTP overload (%d clients, %d inputs in flight allowed): %d answered (%.1f requests/s),"
                            + " %d refused with 429, %d other errors%n", overloadClients, maxConcurrentRequests,
                    overload.ok(), overload.requestsPerSecond(), overload.overloaded(), overload.errors());
            reportFirstError(overload);

            double rssStart = server.rssMegabytes();
            double rssMax = rssStart;
            long soakErrors = 0;
            long soakOk = 0;
            int slices = Math.max(1, soakSeconds / 10);
            for (int s = 0; s < slices; s++) {
                LoadGenerator.Stats slice = load.closedLoop(concurrency, Duration.ofSeconds(soakSeconds / slices));
                soakErrors += slice.errors();
                soakOk += slice.ok();
                rssMax = Math.max(rssMax, server.rssMegabytes());
                reportFirstError(slice);
            }
            double rssEnd = server.rssMegabytes();
            System.out.printf("soak %d s (%d clients, %d requests): server RSS %.0f MiB at start, %.0f MiB at end"
                    + " (max %.0f); errors %d%n", soakSeconds, concurrency, soakOk, rssStart, rssEnd, rssMax, soakErrors);

            long stopStart = System.nanoTime();
            int exit = server.stop(Duration.ofSeconds(60));
            System.out.printf("SIGTERM: exited with %d after %d ms%n", exit, (System.nanoTime() - stopStart) / 1_000_000);

            results.put("http_per_s", saturated.embeddingsPerSecond());
            results.put("http_requests_per_s", saturated.requestsPerSecond());
            results.put("http_vs_in_process", saturated.embeddingsPerSecond() / inProcess);
            results.put("fixed_rate_requests_per_s", fixedRate);
            results.put("p50_ms", paced.percentileMs(50));
            results.put("p99_ms", paced.percentileMs(99));
            results.put("errors_non_429", saturated.errors() + paced.errors() + overload.errors() + soakErrors);
            results.put("overload_429", overload.overloaded());
            results.put("overload_ok", overload.ok());
            results.put("rss_start_mb", rssStart);
            results.put("rss_end_mb", rssEnd);
            results.put("rss_max_mb", rssMax);
            results.put("soak_seconds", soakSeconds);
            results.put("cold_start_ms", server.coldStartMillis());
            results.put("texts_per_request", textsPerRequest);
            results.put("concurrency", concurrency);
        }
        if (json != null) {
            JSON.writerWithDefaultPrettyPrinter().writeValue(json.toFile(), results);
        }
        return 0;
    }

    private double inProcessEmbeddingsPerSecond(EmbeddingsPipeline pipeline, List<String> texts) {
        int batch = 32;
        long warmupEnd = System.nanoTime() + Duration.ofSeconds(Math.min(10, seconds)).toNanos();
        int i = 0;
        while (System.nanoTime() < warmupEnd) {
            pipeline.embed(texts.subList(i, i + batch));
            i = (i + batch) % texts.size();
        }
        long start = System.nanoTime();
        long end = start + Duration.ofSeconds(seconds).toNanos();
        long embedded = 0;
        while (System.nanoTime() < end) {
            embedded += pipeline.embed(texts.subList(i, i + batch)).length;
            i = (i + batch) % texts.size();
        }
        return embedded / ((System.nanoTime() - start) / 1e9);
    }

    private static void reportFirstError(LoadGenerator.Stats stats) {
        if (stats.firstError() != null) {
            System.out.println("  first error: " + stats.firstError());
        }
    }
}
