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
import jdk.incubator.vector.FloatVector;
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
    /** Interleaved rounds per size, and the time each row runs per round. */
    private static final int ROUNDS = 5;
    private static final double ROUND_SECONDS = 0.5;

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
        JsonNode p = oneShot("FMA peak", List.of("peak", "" + t));
        double peak = p.get("flops_cpu").asDouble() / 1e9;
        double perThread = peak / t;
        out.printf(Locale.ROOT, "FP32 FMA peak: %.1f GFLOP/s on %d thread%s (%.1f per thread): 12 independent "
                        + "FloatVector.fma chains per thread, %d-bit vectors, per second of CPU time the threads got "
                        + "(per wall-clock second during this run: %.1f; the difference is other load on the machine)%n%n",
                peak, t, t == 1 ? "" : "s", perThread, FloatVector.SPECIES_PREFERRED.vectorBitSize(),
                p.get("flops_wall").asDouble() / 1e9);

        List<MatMulRow> all = new ArrayList<>();
        try (PythonPeer python = new PythonPeer()) {
            for (int n : sizes) {
                List<String> notes = new ArrayList<>();
                List<MatMulRow> rows = new ArrayList<>();
                status("n=%d: naive Java loops%s", n, n >= MatMulWorker.NAIVE_SINGLE_RUN_FROM ? " (this takes a while)" : "");
                JsonNode naive = oneShot("naive loop n=" + n, List.of("naive", "" + n));
                rows.add(new MatMulRow("java-naive", "naive Java triple loop", 1, n, naive.get("seconds").asDouble(),
                        naive.get("runs").asInt(), naive.get("peak_rss_mb").asDouble()));
                rows.addAll(measureInRounds(n, t, python, notes, perThread));
                int naiveRows = MatMulWorker.naiveRows(n);
                notes.add(n < MatMulWorker.NAIVE_SINGLE_RUN_FROM ? "naive loop: median of 3 runs"
                        : naiveRows == n ? "naive loop: a single run at this size (it takes seconds)"
                        : "naive loop: a single run over the first " + naiveRows + " of " + n + " rows of C, time scaled by "
                                + n / naiveRows + " (every row costs the same n² multiply-adds; the full product would take minutes)");
                notes.add(String.format(Locale.ROOT, "other rows: warm-up in their own process, then the median of all runs "
                        + "of %d interleaved rounds of %.1f s each", ROUNDS, ROUND_SECONDS));
                strongestNumPy(rows, t).ifPresent(best -> rows.stream()
                        .filter(r -> r.impl().equals("javelin") && r.threads() == best.threads()).findFirst()
                        .ifPresent(j -> notes.add(String.format(Locale.ROOT,
                                "Javelin on %d threads vs the strongest NumPy row (%s): %.2f×", j.threads(), best.label(),
                                j.gflops() / best.gflops()))));
                MatMulReport.printTable(out, n, rows, perThread, notes);
                all.addAll(rows);
            }
        }
        if (json != null) MatMulReport.writeJson(json, peak, all);
        if (plot != null) MatMulReport.writePlot(plot, all);
        return 0;
    }

    /**
     * Javelin (1 and {@code t} threads), NumPy and PyTorch, each in its own warmed-up process, timed
     * round-robin so that a burst of load elsewhere on the machine hits all of them alike.
     */
    private List<MatMulRow> measureInRounds(int n, int t, PythonPeer python, List<String> notes, double perThreadPeak)
            throws IOException {
        List<Contender> contenders = new ArrayList<>();
        try {
            status("n=%d: starting and warming up Javelin, NumPy and PyTorch", n);
            contenders.add(javelin(n, 1));
            if (t > 1) contenders.add(javelin(n, t));
            List<PythonPeer.Interpreter> pythons = PythonPeer.interpreters();
            if (pythons.isEmpty()) notes.add("NumPy and PyTorch skipped: no python3 on PATH and no " + PythonPeer.DEBIAN_PYTHON);
            for (PythonPeer.Interpreter py : pythons) {
                for (String impl : List.of("numpy", "pytorch")) {
                    contenders.add(Contender.start(impl, impl + " (" + py.origin() + ")", py.origin(), n, t,
                            ChildProcess.start(impl + " (" + py.origin() + ") n=" + n, python.command(py, impl, n, t),
                                    PythonPeer.environment(py, t))));
                }
                if (py.unpinned()) {
                    notes.add(py.origin() + " (" + py.python() + ") ran with " + String.join(" and ", PythonPeer.OPENBLAS_PINS)
                            + " unset, so its OpenBLAS picks its kernel for this CPU; its product was checked against float64 first");
                }
            }
            List<Contender> ready = new ArrayList<>();
            for (Contender c : contenders) {
                try {
                    c.awaitReady();
                    ready.add(c);
                    if (c.note() != null) notes.add(c.note());
                } catch (ChildProcess.ChildFailedException e) {
                    if (c.impl.equals("javelin")) throw e;
                    notes.add(c.label() + " skipped: " + e.getMessage());
                }
            }
            for (int round = 1; round <= ROUNDS; round++) {
                status("n=%d: round %d of %d", n, round, ROUNDS);
                for (Contender c : ready) c.runRound(ROUND_SECONDS);
            }
            List<MatMulRow> rows = new ArrayList<>();
            List<String> efficiency = new ArrayList<>();
            for (Contender c : ready) {
                MatMulRow row = c.finish();
                rows.add(row);
                // a CPU-second is one core busy for a second: compare with one core's peak
                efficiency.add(String.format(Locale.ROOT, "%s %d thread%s %.1f (%.0f%% of a core's peak)", row.label(),
                        row.threads(), row.threads() == 1 ? "" : "s", c.gflopsPerCpuSecond(),
                        100 * c.gflopsPerCpuSecond() / perThreadPeak));
            }
            notes.add("GFLOP per CPU-second of each process (all its threads; independent of other load on the machine): "
                    + String.join("; ", efficiency));
            return rows;
        } finally {
            for (Contender c : contenders) c.close();
        }
    }

    /** The fastest NumPy row on {@code t} threads, whichever Python it came from. */
    private static java.util.Optional<MatMulRow> strongestNumPy(List<MatMulRow> rows, int t) {
        return rows.stream().filter(r -> r.impl().equals("numpy") && r.threads() == t)
                .max(java.util.Comparator.comparingDouble(MatMulRow::gflops));
    }

    private static Contender javelin(int n, int threads) throws ChildProcess.ChildFailedException {
        String name = "javelin n=" + n + " threads=" + threads;
        return Contender.start("javelin", "Javelin", null, n, threads, ChildProcess.start(name,
                ChildProcess.javaCommand(MatMulWorker.class, heapFor(n), List.of("javelin", "" + n, "" + threads)), Map.of()));
    }

    /**
     * The Javelin row's heap, sized for the job like the launcher sizes the engine's: its three n×n
     * arrays (A, B and C read back for the check), the packing buffers (B up to 16 MB, A and C blocks)
     * and 48 MB for the JVM's own objects. Left to itself G1 commits a 64th of RAM up front.
     * SerialGC: G1's region tables and remembered sets were ~45 MB of the process (158 → 111 MB peak
     * RSS measured); SerialGC alone turns off C2's loop strip mining, under which the micro-kernel
     * spills, so the counted-loop safepoints and strip mining are switched back on (same GFLOP/s).
     */
    private static List<String> heapFor(int n) {
        long mb = 48 + 3L * n * n * Float.BYTES / (1 << 20) + 24;
        return List.of("-Xms16m", "-Xmx" + mb + "m",
                "-XX:+UseSerialGC", "-XX:+UseCountedLoopSafepoints", "-XX:LoopStripMiningIter=1000");
    }

    private static JsonNode oneShot(String name, List<String> args) throws IOException {
        try (ChildProcess child = ChildProcess.start(name, ChildProcess.javaCommand(MatMulWorker.class, args), Map.of())) {
            return child.answer();
        }
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

    private static void status(String format, Object... args) {
        System.err.println("bench matmul: " + String.format(Locale.ROOT, format, args));
    }
}
