package dev.javelin.server.scheduling;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.DoubleStream;
import java.util.stream.IntStream;

/**
 * The server's Prometheus metrics under TEI's {@code te_*} names and buckets (durations in seconds on
 * TEI's geometric buckets, batch sizes and tokens on powers of two), plus JVM memory, thread and CPU
 * meters. Prometheus' exposition format gives counters a {@code _total} suffix.
 */
public final class ServerMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicInteger queueSize = new AtomicInteger();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final DistributionSummary requestDuration;
    private final DistributionSummary tokenizationDuration;
    private final DistributionSummary queueDuration;
    private final DistributionSummary inferenceDuration;
    private volatile DistributionSummary inputLength;
    private final DistributionSummary batchSize;
    private final DistributionSummary batchTokens;

    public ServerMetrics() {
        double[] durations = new double[35];
        double value = 0.00001;
        for (int i = 0; i < durations.length; i++) {
            value *= 1.5;
            durations[i] = value;
        }
        requestDuration = histogram("te_request_duration", durations);
        tokenizationDuration = histogram("te_request_tokenization_duration", durations);
        queueDuration = histogram("te_request_queue_duration", durations);
        inferenceDuration = histogram("te_request_inference_duration", durations);
        batchSize = histogram("te_batch_next_size", powersOfTwo(13).toArray());
        batchTokens = histogram("te_batch_next_tokens", powersOfTwo(21).toArray());
        Gauge.builder("te_queue_size", queueSize, AtomicInteger::get)
                .description("Inputs waiting in the batching queue").register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
    }

    private static DoubleStream powersOfTwo(int count) {
        return IntStream.range(0, count).mapToDouble(i -> Math.pow(2, i));
    }

    private DistributionSummary histogram(String name, double[] buckets) {
        return DistributionSummary.builder(name).serviceLevelObjectives(buckets).register(registry);
    }

    /** A request arrived at an inference route; {@code method} is TEI's "single" or "batch". */
    public void requestCount(String method) {
        counter("te_request_count", "method", method).increment();
    }

    public void requestSuccess(String method) {
        counter("te_request_success", "method", method).increment();
    }

    /** A request or input failed; {@code err} is TEI's reason (validation, tokenization, overloaded, ...). */
    public void requestFailure(String err) {
        counter("te_request_failure", "err", err).increment();
    }

    /** Counters are looked up once per name and tag: under overload every refused request counts one. */
    private Counter counter(String name, String tag, String value) {
        return counters.computeIfAbsent(name + '\0' + value,
                k -> Counter.builder(name).tag(tag, value).register(registry));
    }

    /** Durations of a successful request, as TEI records them (per-input averages for batches). */
    public void requestTimings(double totalSeconds, double tokenizationSeconds, double queueSeconds,
                               double inferenceSeconds) {
        requestDuration.record(totalSeconds);
        tokenizationDuration.record(tokenizationSeconds);
        queueDuration.record(queueSeconds);
        inferenceDuration.record(inferenceSeconds);
    }

    /** Registers the meters that depend on the model: input lengths on power-of-two buckets up to its maximum. */
    public void forModel(int maxInputLength) {
        inputLength = histogram("te_request_input_length", powersOfTwo(20).filter(x -> x <= maxInputLength).toArray());
    }

    public void inputLength(int tokens) {
        DistributionSummary lengths = inputLength;
        if (lengths != null) {
            lengths.record(tokens);
        }
    }

    public void batch(int inputs, int tokens) {
        batchSize.record(inputs);
        batchTokens.record(tokens);
    }

    public void queueSize(int size) {
        queueSize.set(size);
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }
}
