package dev.javelin.bench.matmul;

import com.fasterxml.jackson.databind.JsonNode;
import dev.javelin.bench.ChildProcess;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One live row of {@code bench matmul}: a warmed-up child process that times products on request,
 * so rows can be measured in interleaved rounds.
 */
final class Contender implements AutoCloseable {
    final String impl;
    final int threads;
    final int n;
    private final ChildProcess child;
    private final List<Double> times = new ArrayList<>();
    private final List<Double> flopsPerCpuSecond = new ArrayList<>();
    private final String origin;
    private String label;
    private String note;

    private Contender(String impl, String label, String origin, int n, int threads, ChildProcess child) {
        this.impl = impl;
        this.label = label;
        this.origin = origin;
        this.n = n;
        this.threads = threads;
        this.child = child;
    }

    /** {@code origin} names where a peer came from (which Python), for its label; null for Javelin. */
    static Contender start(String impl, String label, String origin, int n, int threads, ChildProcess child) {
        return new Contender(impl, label, origin, n, threads, child);
    }

    /** Waits for the child's warm-up; Python rows say here which BLAS they really loaded. */
    void awaitReady() throws IOException {
        JsonNode ready = child.answer();
        if (ready.has("version")) {
            label = ready.get("version").asText() + (origin == null ? "" : " (" + origin + ")");
            StringBuilder s = new StringBuilder(label).append(" used ").append(ready.get("blas").asText());
            if (ready.hasNonNull("blas_kernel")) s.append(", kernel ").append(ready.get("blas_kernel").asText());
            List<String> t = new ArrayList<>();
            if (ready.hasNonNull("framework_threads")) t.add("torch.get_num_threads()=" + ready.get("framework_threads").asInt());
            if (ready.hasNonNull("blas_threads")) t.add("BLAS threads=" + ready.get("blas_threads").asInt());
            if (!t.isEmpty()) s.append(" (").append(String.join(", ", t)).append(")");
            note = s.toString();
        }
    }

    void runRound(double seconds) throws IOException {
        JsonNode r = child.request("run " + seconds);
        int runs = 0;
        for (JsonNode t : r.get("times")) {
            times.add(t.asDouble());
            runs++;
        }
        double cpu = r.get("cpu_seconds").asDouble();
        if (cpu > 0) flopsPerCpuSecond.add(runs * 2.0 * n * n * n / cpu);
    }

    /**
     * GFLOP per second of CPU time the whole process used (median over rounds): what the code does
     * with the cores it gets, whatever else runs on the machine. Busy-waiting threads count.
     */
    double gflopsPerCpuSecond() {
        double[] f = flopsPerCpuSecond.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return f.length == 0 ? Double.NaN : f[f.length / 2] / 1e9;
    }

    /** Ends the child and returns the row: the median over every timed run of every round. */
    MatMulRow finish() throws IOException {
        JsonNode done = child.finish();
        double[] t = times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double median = t.length % 2 == 1 ? t[t.length / 2] : (t[t.length / 2 - 1] + t[t.length / 2]) / 2;
        return new MatMulRow(impl, label, threads, n, median, t.length, done.get("peak_rss_mb").asDouble());
    }

    String label() {
        return label;
    }

    String note() {
        return note;
    }

    @Override
    public void close() {
        child.close();
    }
}
