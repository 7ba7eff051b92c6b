package dev.javelin.bench.matmul;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.DoubleAdder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Measures the machine's FP32 FMA peak from Java: every thread runs 12 independent FMA chains on
 * the preferred vector species, enough to cover FMA latency on two pipes, and nothing else in the
 * loop. Each chain keeps its accumulator as the FMA addend (acc = x·y + acc), which C2 compiles to
 * one in-place vfmadd231ps per chain with no register moves or spills (checked in the disassembly).
 */
final class FmaPeak {
    private FmaPeak() {}

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int CHAINS = 12;
    private static final int ITERS = 10_000;
    private static volatile float sink;

    /**
     * FLOP/s of {@code threads} threads, best of a few {@code seconds}-long trials: per second of
     * wall time, and per second of CPU time each thread actually got. On a machine shared with
     * other work the first understates the hardware; the second is the hardware's peak.
     */
    record Result(double perWallSecond, double perCpuSecond) {}

    static Result measure(int threads, double seconds) throws InterruptedException {
        for (int i = 0; i < 2_000; i++) sink += chains(1000, 1f); // JIT the kernel before timing
        Result best = new Result(0, 0);
        for (int trial = 0; trial < 3; trial++) {
            Result r = trial(threads, seconds);
            best = new Result(Math.max(best.perWallSecond, r.perWallSecond), Math.max(best.perCpuSecond, r.perCpuSecond));
        }
        return best;
    }

    private static Result trial(int threads, double seconds) throws InterruptedException {
        CyclicBarrier start = new CyclicBarrier(threads);
        DoubleAdder flops = new DoubleAdder();
        DoubleAdder perCpu = new DoubleAdder();
        long[] elapsed = new long[threads];
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers[t] = Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    return;
                }
                var mx = java.lang.management.ManagementFactory.getThreadMXBean();
                long cpu0 = mx.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                long deadline = t0 + (long) (seconds * 1e9);
                long calls = 0;
                float s = 0;
                do {
                    s += chains(ITERS, id);
                    calls++;
                } while (System.nanoTime() < deadline);
                elapsed[id] = System.nanoTime() - t0;
                double cpu = (mx.getCurrentThreadCpuTime() - cpu0) / 1e9;
                sink += s;
                double f = (double) calls * ITERS * CHAINS * F.length() * 2;
                flops.add(f);
                perCpu.add(f / cpu);
            });
        }
        long slowest = 0;
        for (int t = 0; t < threads; t++) {
            workers[t].join();
            slowest = Math.max(slowest, elapsed[t]);
        }
        // more threads than cores share them: the hardware offers at most one core's rate per core
        int cores = Math.min(threads, Runtime.getRuntime().availableProcessors());
        return new Result(flops.sum() / (slowest / 1e9), perCpu.sum() / threads * cores);
    }

    private static float chains(int iters, float seed) {
        FloatVector x = FloatVector.broadcast(F, 0.999f);
        FloatVector y = FloatVector.broadcast(F, 1e-4f);
        FloatVector a0 = FloatVector.broadcast(F, seed), a1 = a0.add(1), a2 = a0.add(2), a3 = a0.add(3);
        FloatVector a4 = a0.add(4), a5 = a0.add(5), a6 = a0.add(6), a7 = a0.add(7);
        FloatVector a8 = a0.add(8), a9 = a0.add(9), a10 = a0.add(10), a11 = a0.add(11);
        for (int i = 0; i < iters; i++) {
            a0 = x.fma(y, a0);
            a1 = x.fma(y, a1);
            a2 = x.fma(y, a2);
            a3 = x.fma(y, a3);
            a4 = x.fma(y, a4);
            a5 = x.fma(y, a5);
            a6 = x.fma(y, a6);
            a7 = x.fma(y, a7);
            a8 = x.fma(y, a8);
            a9 = x.fma(y, a9);
            a10 = x.fma(y, a10);
            a11 = x.fma(y, a11);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(VectorOperators.ADD);
    }
}
