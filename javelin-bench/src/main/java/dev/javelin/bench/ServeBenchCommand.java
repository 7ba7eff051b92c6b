package dev.javelin.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.javelin.pipelines.EmbeddingsPipeline;
import dev.javelin.pipelines.Pipelines;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
 * In-process and HTTP throughput are measured in alternating rounds (medians reported) so that both
 * see the same machine, whatever else runs on it.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Load-test `javelin serve` (launched as its own process on a loopback port) against the",
                "in-process embeddings pipeline on the same texts."})
public final class ServeBenchCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--model", description = "Model to serve (default: the embedded all-MiniLM-L6-v2).")
    String model;

    @Option(names = "--dtype", paramLabel = "f32|bf16|int8", description = "The server's --dtype (default: the server's, f32).")
    String dtype;

    @Option(names = "--texts-per-request", defaultValue = "8", description = "Inputs per /embed request (default: ${DEFAULT-VALUE}).")
    int textsPerRequest;

    @Option(names = "--in-process-batch", defaultValue = "32",
            description = "Texts per call of the in-process pipeline (default: ${DEFAULT-VALUE}).")
    int inProcessBatch;

    @Option(names = "--concurrency", defaultValue = "16",
            description = "Clients at saturation and during the soak (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--rounds", defaultValue = "3",
            description = "Alternating in-process / HTTP saturation rounds (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--seconds", defaultValue = "15",
            description = "Length of each round and of the fixed-rate and overload phases (default: ${DEFAULT-VALUE}).")
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
        if (textsPerRequest < 1 || inProcessBatch < 1 || concurrency < 1 || rounds < 1 || seconds < 1 || soakSeconds < 1
                || maxConcurrentRequests < 1) {
            System.err.println("bench serve: counts and durations must be positive");
            return 2;
        }
        List<String> serverArgs = new ArrayList<>(List.of("--max-concurrent-requests", Integer.toString(maxConcurrentRequests)));
        if (model != null) {
            serverArgs.addAll(List.of("--model", model));
        }
        if (dtype != null) {
            serverArgs.addAll(List.of("--dtype", dtype));
        }
        Map<String, Object> results = new LinkedHashMap<>();
        try (ServerProcess server = ServerProcess.start(launcher, serverArgs, Duration.ofMinutes(5));
             EmbeddingsPipeline pipeline = Pipelines.embeddings(model)) {
            System.out.printf("cold start (launch to healthy): %d ms%n", server.coldStartMillis());
            List<String> texts = TextMix.generate(pipeline.engine().tokenizer(), 1024, 4, 40, 42);
            List<byte[]> bodies = new ArrayList<>();
            for (int i = 0; i + textsPerRequest <= texts.size(); i += textsPerRequest) {
                bodies.add(JSON.writeValueAsBytes(Map.of("inputs", texts.subList(i, i + textsPerRequest))));
            }
            System.out.printf("texts: %d sentences of 4-40 words; %d per HTTP request, %d per in-process call%n",
                    texts.size(), textsPerRequest, inProcessBatch);
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            LoadGenerator load = new LoadGenerator(client, URI.create(server.baseUrl() + "/embed"), bodies, textsPerRequest);

            Duration warmup = Duration.ofSeconds(Math.min(10, seconds));
            inProcessEmbeddingsPerSecond(pipeline, texts, warmup);
            load.closedLoop(concurrency, warmup);
            double[] inProcess = new double[rounds];
            double[] http = new double[rounds];
            double[] httpRequests = new double[rounds];
            long saturationErrors = 0;
            for (int r = 0; r < rounds; r++) {
                inProcess[r] = inProcessEmbeddingsPerSecond(pipeline, texts, Duration.ofSeconds(seconds));
                LoadGenerator.Stats saturated = load.closedLoop(concurrency, Duration.ofSeconds(seconds));
                http[r] = saturated.embeddingsPerSecond();
                httpRequests[r] = saturated.requestsPerSecond();
                // Saturation stays below the permit limit, so a 429 there would be an error too.
                saturationErrors += saturated.errors() + saturated.overloaded();
                System.out.printf("round %d: in-process %.1f embeddings/s; HTTP (%d clients) %.1f requests/s = %.1f"
                                + " embeddings/s (%.1f%%), p50 %.1f ms; errors %d, 429s %d%n", r + 1, inProcess[r],
                        concurrency, httpRequests[r], http[r], 100 * http[r] / inProcess[r], saturated.percentileMs(50),
                        saturated.errors(), saturated.overloaded());
                reportFirstError(saturated);
            }
            double inProcessMedian = median(inProcess);
            double httpMedian = median(http);
            System.out.printf("saturation, median of %d rounds: in-process %.1f embeddings/s, HTTP %.1f embeddings/s"
                    + " (%.1f requests/s) = %.1f%% of in-process%n", rounds, inProcessMedian, httpMedian, median(httpRequests),
                    100 * httpMedian / inProcessMedian);

            double fixedRate = rate != null ? rate : median(httpRequests) / 2;
            LoadGenerator.Stats paced = load.openLoop(fixedRate, Duration.ofSeconds(seconds));
            System.out.printf("HTTP fixed rate %.1f requests/s: p50 %.1f ms, p99 %.1f ms; errors %d, 429s %d%n", fixedRate,
                    paced.percentileMs(50), paced.percentileMs(99), paced.errors(), paced.overloaded());
            reportFirstError(paced);

            int overloadClients = Math.max(concurrency, 4 * maxConcurrentRequests / textsPerRequest);
            double saturationGoodput = median(httpRequests);
            LoadGenerator.Stats overload = load.closedLoop(overloadClients, Duration.ofSeconds(seconds), true);
            System.out.printf("HTTP overload (%d clients waiting as Retry-After says, %d inputs in flight allowed): %d answered"
                            + " (%.1f requests/s = %.0f%% of saturation goodput), %d refused with 429, %d other errors%n",
                    overloadClients, maxConcurrentRequests, overload.ok(), overload.requestsPerSecond(),
                    100 * overload.requestsPerSecond() / saturationGoodput, overload.overloaded(), overload.errors());
            reportFirstError(overload);
            LoadGenerator.Stats spinning = load.closedLoop(overloadClients, Duration.ofSeconds(seconds), false);
            System.out.printf("HTTP overload (%d clients retrying at once, ignoring Retry-After): %d answered (%.1f requests/s"
                            + " = %.0f%% of saturation goodput), %d refused with 429, %d other errors%n", overloadClients,
                    spinning.ok(), spinning.requestsPerSecond(), 100 * spinning.requestsPerSecond() / saturationGoodput,
                    spinning.overloaded(), spinning.errors());
            reportFirstError(spinning);

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

            results.put("in_process_per_s", inProcessMedian);
            results.put("http_per_s", httpMedian);
            results.put("http_requests_per_s", median(httpRequests));
            results.put("http_vs_in_process", httpMedian / inProcessMedian);
            results.put("fixed_rate_requests_per_s", fixedRate);
            results.put("p50_ms", paced.percentileMs(50));
            results.put("p99_ms", paced.percentileMs(99));
            results.put("errors_non_429", saturationErrors + paced.errors() + overload.errors() + spinning.errors() + soakErrors);
            results.put("overload_429", overload.overloaded());
            results.put("overload_ok", overload.ok());
            results.put("overload_goodput_of_saturation", overload.requestsPerSecond() / saturationGoodput);
            results.put("overload_ignoring_retry_after_429", spinning.overloaded());
            results.put("overload_ignoring_retry_after_goodput_of_saturation", spinning.requestsPerSecond() / saturationGoodput);
            results.put("rss_start_mb", rssStart);
            results.put("rss_end_mb", rssEnd);
            results.put("rss_max_mb", rssMax);
            results.put("soak_seconds", soakSeconds);
            results.put("cold_start_ms", server.coldStartMillis());
            results.put("sigterm_exit", exit);
            results.put("texts_per_request", textsPerRequest);
            results.put("in_process_batch", inProcessBatch);
            results.put("concurrency", concurrency);
        }
        if (json != null) {
            JSON.writerWithDefaultPrettyPrinter().writeValue(json.toFile(), results);
        }
        return 0;
    }

    private double inProcessEmbeddingsPerSecond(EmbeddingsPipeline pipeline, List<String> texts, Duration duration) {
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        long embedded = 0;
        int i = 0;
        while (System.nanoTime() < end) {
            List<String> batch = new ArrayList<>(inProcessBatch);
            for (int k = 0; k < inProcessBatch; k++) {
                batch.add(texts.get((i + k) % texts.size()));
            }
            embedded += pipeline.embed(batch).length;
            i = (i + inProcessBatch) % texts.size();
        }
        return embedded / ((System.nanoTime() - start) / 1e9);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static void reportFirstError(LoadGenerator.Stats stats) {
        if (stats.firstError() != null) {
            System.out.println("  first error: " + stats.firstError());
        }
    }
}
