package dev.javelin.bench.matmul;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.javelin.bench.ChildProcess;
import dev.javelin.kernels.ComputePool;
import dev.javelin.kernels.MatMul;
import dev.javelin.tensor.Tensor;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Child-process side of {@code bench matmul}; prints JSON lines. Modes:
 * <ul>
 *   <li>{@code peak THREADS}: the FMA peak, then exits;</li>
 *   <li>{@code naive N}: times the triple loop, then exits;</li>
 *   <li>{@code javelin N THREADS}: warms up and answers {@code ready}; then each stdin line
 *       {@code run SECONDS} times products for that long and answers their times; at end of input
 *       it answers its peak memory and exits.</li>
 * </ul>
 */
public final class MatMulWorker {
    private MatMulWorker() {}

    /** Warm-up until the JIT has settled: at least this long and this many runs. */
    private static final double WARMUP_SECONDS = 1.5;
    private static final int WARMUP_MIN_RUNS = 5;
    /** The naive loop runs once per size from here on: 1024³ already takes seconds. */
    static final int NAIVE_SINGLE_RUN_FROM = 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        try {
            switch (args[0]) {
                case "peak" -> peak(Integer.parseInt(args[1]));
                case "naive" -> naive(Integer.parseInt(args[1]));
                case "javelin" -> javelin(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
                default -> throw new IllegalArgumentException("unknown worker mode " + args[0]);
            }
        } catch (RuntimeException | OutOfMemoryError e) {
            ObjectNode out = JSON.createObjectNode();
            out.put("error", e.toString());
            print(out);
            System.exit(1);
        }
    }

    private static void peak(int threads) throws InterruptedException {
        FmaPeak.Result r = FmaPeak.measure(threads, 0.4);
        ObjectNode out = JSON.createObjectNode();
        out.put("flops_cpu", r.perCpuSecond());
        out.put("flops_wall", r.perWallSecond());
        print(out);
    }

    /**
     * Times the triple loop. Up to 1024 it computes all of C (median of 3 runs below 1024, one run
     * at 1024, which already takes seconds). Beyond, it computes the first {@link #naiveRows} rows
     * and scales the time by n/rows: each row of the loop does the same n² multiply-adds over the
     * whole of B, so the scaling is exact up to timer noise, and 2048 takes 10 s instead of 80+.
     */
    private static void naive(int n) {
        SplittableRandom rnd = new SplittableRandom(n);
        float[] a = random(rnd, n), b = random(rnd, n), c = new float[n * n];
        int rows = naiveRows(n);
        int runs;
        if (n >= NAIVE_SINGLE_RUN_FROM) {
            int w = 256; // compile the loop at a size that takes milliseconds
            float[] wa = new float[w * w], wb = new float[w * w], wc = new float[w * w];
            for (int i = 0; i < 3; i++) NaiveMatMul.multiply(wa, wb, wc, w);
            runs = 1;
        } else {
            NaiveMatMul.multiply(a, b, c, n);
            runs = 3;
        }
        double[] t = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            NaiveMatMul.multiplyRows(a, b, c, n, rows);
            t[i] = (System.nanoTime() - t0) / 1e9 * n / rows;
        }
        verify(a, b, c, n, rows, "naive loop");
        Arrays.sort(t);
        ObjectNode out = JSON.createObjectNode();
        out.put("seconds", t[runs / 2]);
        out.put("runs", runs);
        out.put("rows", rows);
        out.put("peak_rss_mb", ChildProcess.peakRssMb());
        print(out);
    }

    /** Rows of C the naive loop computes at size n: all up to 1024, then about 1024³ multiply-adds' worth. */
    static int naiveRows(int n) {
        return n <= NAIVE_SINGLE_RUN_FROM ? n : (int) Math.max(1, Math.ceil(Math.pow(NAIVE_SINGLE_RUN_FROM, 3) / ((double) n * n)));
    }

    private static void javelin(int n, int threads) throws Exception {
        SplittableRandom rnd = new SplittableRandom(n);
        float[] av = random(rnd, n), bv = random(rnd, n);
        try (Arena arena = Arena.ofConfined(); ComputePool pool = ComputePool.create(threads)) {
            Tensor a = Tensor.of(arena, av, n, n), b = Tensor.of(arena, bv, n, n), c = Tensor.allocate(arena, n, n);
            Runnable run = () -> MatMul.matmul(a, b, c, pool);
            long t0 = System.nanoTime();
            for (int runs = 0; runs < WARMUP_MIN_RUNS || (System.nanoTime() - t0) / 1e9 < WARMUP_SECONDS; runs++) run.run();
            verify(av, bv, c.toArray(), n, n, "Javelin");
            ObjectNode ready = JSON.createObjectNode();
            ready.put("ready", true);
            print(ready);
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                String[] cmd = line.trim().split("\\s+");
                if (!cmd[0].equals("run") || cmd.length != 2) throw new IllegalArgumentException("unknown command: " + line);
                double budget = Double.parseDouble(cmd[1]);
                ObjectNode out = JSON.createObjectNode();
                ArrayNode times = out.putArray("times");
                long cpu0 = processCpuNanos();
                long start = System.nanoTime();
                do {
                    long s = System.nanoTime();
                    run.run();
                    times.add((System.nanoTime() - s) / 1e9);
                } while ((System.nanoTime() - start) / 1e9 < budget);
                out.put("cpu_seconds", (processCpuNanos() - cpu0) / 1e9);
                print(out);
            }
        }
        ObjectNode done = JSON.createObjectNode();
        done.put("peak_rss_mb", ChildProcess.peakRssMb());
        print(done);
    }

    /** CPU time of the whole process (all threads, JIT and GC included; the OS accounts it in ticks). */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static void print(ObjectNode node) {
        try {
            System.out.println(JSON.writeValueAsString(node));
            System.out.flush();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] v = new float[n * n];
        for (int i = 0; i < v.length; i++) v[i] = (float) (rnd.nextDouble() * 2 - 1);
        return v;
    }

    /**
     * Spot-checks the product (its first {@code rows} rows) so a benchmark can never report the speed
     * of a wrong answer: 64 elements against a double-precision dot product, within the float error bound n·u·Σ|a||b|.
     */
    private static void verify(float[] a, float[] b, float[] c, int n, int rows, String what) {
        SplittableRandom rnd = new SplittableRandom(42);
        for (int s = 0; s < 64; s++) {
            int i = rnd.nextInt(rows), j = rnd.nextInt(n);
            double exact = 0, magnitude = 0;
            for (int k = 0; k < n; k++) {
                exact += (double) a[i * n + k] * b[k * n + j];
                magnitude += Math.abs((double) a[i * n + k] * b[k * n + j]);
            }
            double bound = (n + 1) * Math.ulp(1f) / 2 * magnitude;
            if (!(Math.abs(c[i * n + j] - exact) <= bound)) {
                throw new IllegalStateException(what + " computed a wrong product: C[" + i + "," + j + "] = "
                        + c[i * n + j] + ", expected " + exact);
            }
        }
    }
}
