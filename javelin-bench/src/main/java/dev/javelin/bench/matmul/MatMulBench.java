package dev.javelin.bench.matmul;

import com.fasterxml.jackson.databind.JsonNode;
import dev.javelin.bench.ChildProcess;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code javelin bench matmul}: n×n FP32 matmul, naive Java loops vs Javelin vs NumPy vs PyTorch,
 * measured side by side on this machine. Every row runs in its own process (a child JVM for the
 * Java rows), so each gets a clean heap and JIT and a real peak-memory figure (VmHWM).
 */
@Command(name = "matmul", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"n×n FP32 matrix product: naive Java loops, Javelin (1 and all threads), NumPy and PyTorch.",
                "Each row runs in its own process: warm-up, then the median of several runs."})
public final class MatMulBench implements Callable<Integer> {
    private static final int MAX_SIZE = 8192;

    @Spec
    CommandSpec spec;

    @Option(names = "--sizes", split = ",", paramLabel = "N", defaultValue = "256,512,1024",
            description = "Matrix sizes (default: ${DEFAULT-VALUE}).")
    List<Integer> sizes;

    @Option(names = "--threads", paramLabel = "N",
            description = "Threads for the multi-threaded rows (default: all cores, here ${sys:javelin.cores}).")
    Integer threads;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON.")
    Path json;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Also draw GFLOP/s against size as a PNG.")
    Path plot;

    static {
        System.setProperty("javelin.cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
    }

    @Override
    public Integer call() throws Exception {
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        validate(t);
        PrintStream out = System.out;
        status("calibrating: FP32 FMA peak on %d thread%s", t, t == 1 ? "" : "s");
        JsonNode peakResult = ChildProcess.run(ChildProcess.javaCommand(MatMulWorker.class, List.of("peak", "" + t)), Map.of());
        failOnError(peakResult, "FMA peak calibration");
        double peak = peakResult.get("flops").asDouble() / 1e9;
        double perCore = peak / t;
        out.printf(Locale.ROOT, "FP32 FMA peak (12 independent FloatVector.fma chains per thread, %d-bit vectors, %d thread%s): "
                        + "%.1f GFLOP/s, %.1f per thread%n%n",
                jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize(), t, t == 1 ? "" : "s", peak, perCore);

        List<MatMulRow> all = new ArrayList<>();
        try (PythonPeer python = new PythonPeer()) {
            for (int n : sizes) {
                List<MatMulRow> rows = new ArrayList<>();
                List<String> notes = new ArrayList<>();
                status("n=%d: naive Java loops%s", n, n >= MatMulWorker.NAIVE_SINGLE_RUN_FROM ? " (one run: this takes a while)" : "");
                rows.add(java("java-naive", "naive Java triple loop", n, 1, List.of("naive", "" + n)));
                status("n=%d: Javelin, 1 thread", n);
                rows.add(java("javelin", "Javelin", n, 1, List.of("javelin", "" + n, "1")));
                if (t > 1) {
                    status("n=%d: Javelin, %d threads", n, t);
                    rows.add(java("javelin", "Javelin", n, t, List.of("javelin", "" + n, "" + t)));
                }
                for (String impl : List.of("numpy", "pytorch")) {
                    status("n=%d: %s, %d thread%s", n, impl, t, t == 1 ? "" : "s");
                    switch (python.measure(impl, n, t)) {
                        case PythonPeer.Measured m -> {
                            rows.add(m.row());
                            notes.add(m.row().label() + " used " + m.blas()
                                    + (m.threadNote().isEmpty() ? "" : " (" + m.threadNote() + ")"));
                        }
                        case PythonPeer.Skipped s -> notes.add(impl + " skipped: " + s.reason());
                    }
                }
                notes.add(n >= MatMulWorker.NAIVE_SINGLE_RUN_FROM
                        ? "naive loop: a single run at this size (it takes seconds); other rows: median after warm-up"
                        : "every row: median of ≥ 3 runs after warm-up");
                MatMulReport.printTable(out, n, rows, perCore, notes);
                all.addAll(rows);
            }
        }
        if (json != null) MatMulReport.writeJson(json, peak, all);
        if (plot != null) MatMulReport.writePlot(plot, all);
        return 0;
    }

    private void validate(int t) {
        if (sizes == null || sizes.isEmpty()) throw usage("--sizes needs at least one size");
        for (int n : sizes) {
            if (n < 1 || n > MAX_SIZE) throw usage("--sizes: " + n + " is out of range 1.." + MAX_SIZE);
        }
        if (t < 1 || t > 4096) throw usage("--threads: " + t + " is out of range 1..4096");
        for (Path p : new Path[] {json, plot}) {
            if (p == null) continue;
            Path parent = p.toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent)) throw usage("cannot write " + p + ": no directory " + parent);
            if (Files.isDirectory(p)) throw usage("cannot write " + p + ": it is a directory");
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), "bench matmul: " + message);
    }

    private static MatMulRow java(String impl, String label, int n, int threads, List<String> args)
            throws IOException, InterruptedException {
        JsonNode r = ChildProcess.run(ChildProcess.javaCommand(MatMulWorker.class, args), Map.of());
        failOnError(r, label + " n=" + n);
        return new MatMulRow(impl, label, threads, n, r.get("seconds").asDouble(), r.get("runs").asInt(),
                r.get("peak_rss_mb").asDouble());
    }

    private static void failOnError(JsonNode r, String what) throws ChildProcess.ChildFailedException {
        if (r.has("error")) throw new ChildProcess.ChildFailedException(what + " failed: " + r.get("error").asText());
    }

    private static void status(String format, Object... args) {
        System.err.println("bench matmul: " + String.format(Locale.ROOT, format, args));
    }
}
