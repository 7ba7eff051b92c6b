package dev.javelin.bench.matmul;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.javelin.bench.ChildProcess;
import dev.javelin.kernels.ComputePool;
import dev.javelin.kernels.MatMul;
import dev.javelin.tensor.Tensor;
import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Child-process side of {@code bench matmul}: measures one row and prints it as JSON. Usage:
 * {@code peak THREADS} | {@code javelin N THREADS} | {@code naive N}.
 */
public final class MatMulWorker {
    private MatMulWorker() {}

    /** Warm-up until the JIT has settled: at least this long and this many runs. */
    private static final double WARMUP_SECONDS = 1.0;
    private static final int WARMUP_MIN_RUNS = 3;
    /** Timed runs: as many as fit this budget, within [MIN_RUNS, MAX_RUNS]. */
    private static final double TIMED_SECONDS = 2.0;
    private static final int MIN_RUNS = 5;
    private static final int MAX_RUNS = 25;
    /** The naive loop runs once per size from here on: 1024³ already takes seconds. */
    static final int NAIVE_SINGLE_RUN_FROM = 1024;

    public static void main(String[] args) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode out = json.createObjectNode();
        try {
            switch (args[0]) {
                case "peak" -> out.put("flops", FmaPeak.measure(Integer.parseInt(args[1]), 0.4));
                case "javelin" -> javelin(Integer.parseInt(args[1]), Integer.parseInt(args[2]), out);
                case "naive" -> naive(Integer.parseInt(args[1]), out);
                default -> throw new IllegalArgumentException("unknown worker mode " + args[0]);
            }
            out.put("peak_rss_mb", ChildProcess.peakRssMb());
            System.out.println(json.writeValueAsString(out));
        } catch (RuntimeException | OutOfMemoryError e) {
            out.put("error", e.toString());
            System.out.println(json.writeValueAsString(out));
            System.exit(1);
        }
    }

    private static void javelin(int n, int threads, ObjectNode out) {
        SplittableRandom rnd = new SplittableRandom(n);
        float[] av = random(rnd, n), bv = random(rnd, n);
        try (Arena arena = Arena.ofConfined(); ComputePool pool = ComputePool.create(threads)) {
            Tensor a = Tensor.of(arena, av, n, n), b = Tensor.of(arena, bv, n, n), c = Tensor.allocate(arena, n, n);
            Runnable run = () -> MatMul.matmul(a, b, c, pool);
            double warm = 0;
            int warmRuns = 0;
            long t0 = System.nanoTime();
            while (warmRuns < WARMUP_MIN_RUNS || (System.nanoTime() - t0) / 1e9 < WARMUP_SECONDS) {
                warm = time(run);
                warmRuns++;
            }
            int runs = (int) Math.max(MIN_RUNS, Math.min(MAX_RUNS, Math.ceil(TIMED_SECONDS / warm)));
            report(out, run, runs);
            verify(av, bv, c.toArray(), n, "Javelin");
        }
    }

    private static void naive(int n, ObjectNode out) {
        SplittableRandom rnd = new SplittableRandom(n);
        float[] a = random(rnd, n), b = random(rnd, n), c = new float[n * n];
        Runnable run = () -> NaiveMatMul.multiply(a, b, c, n);
        if (n >= NAIVE_SINGLE_RUN_FROM) {
            int w = 256; // compile the loop at a size that takes milliseconds
            float[] wa = new float[w * w], wb = new float[w * w], wc = new float[w * w];
            for (int i = 0; i < 3; i++) NaiveMatMul.multiply(wa, wb, wc, w);
            report(out, run, 1);
        } else {
            run.run();
            report(out, run, 3);
        }
        verify(a, b, c, n, "naive loop");
    }

    private static void report(ObjectNode out, Runnable run, int runs) {
        double[] t = new double[runs];
        for (int i = 0; i < runs; i++) t[i] = time(run);
        Arrays.sort(t);
        double median = runs % 2 == 1 ? t[runs / 2] : (t[runs / 2 - 1] + t[runs / 2]) / 2;
        out.put("seconds", median);
        out.put("runs", runs);
    }

    private static double time(Runnable run) {
        long t0 = System.nanoTime();
        run.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] v = new float[n * n];
        for (int i = 0; i < v.length; i++) v[i] = (float) (rnd.nextDouble() * 2 - 1);
        return v;
    }

    /**
     * Spot-checks the product so a benchmark can never report the speed of a wrong answer: 64
     * elements against a double-precision dot product, within the float error bound n·u·Σ|a||b|.
     */
    private static void verify(float[] a, float[] b, float[] c, int n, String what) {
        SplittableRandom rnd = new SplittableRandom(42);
        for (int s = 0; s < 64; s++) {
            int i = rnd.nextInt(n), j = rnd.nextInt(n);
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
