package dev.javelin.kernels;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A fixed set of compute threads for data-parallel kernels. {@link #parallelFor} splits an index
 * range over the workers <em>and the calling thread</em>: indices are claimed one at a time from a
 * shared counter, so a slow or busy worker never holds up the loop, and work queued on a pool that
 * is saturated by other callers is simply done by the caller itself.
 *
 * <p>Kernels may call each other from inside a loop body: a nested {@code parallelFor} issued from
 * one of this pool's workers runs inline, so nesting can neither deadlock nor oversubscribe.
 */
public final class ComputePool implements AutoCloseable {
    /** Spin this long before parking: kernels are issued back to back, and waking a parked thread costs tens of µs. */
    private static final long SPIN_NANOS = 50_000;

    private static final ComputePool SHARED = new ComputePool(defaultThreads(), "javelin-compute", true);

    private final int threads;
    private final boolean shared;
    private final Thread[] workers;
    private final LinkedBlockingQueue<Loop> queue = new LinkedBlockingQueue<>();
    private volatile boolean closed;

    private ComputePool(int threads, String name, boolean shared) {
        if (threads < 1) throw new IllegalArgumentException("a ComputePool needs at least 1 thread, got " + threads);
        this.threads = threads;
        this.shared = shared;
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = Thread.ofPlatform().daemon().name(name + "-" + (i + 1)).unstarted(this::workerLoop);
            workers[i].start();
        }
    }

    /**
     * The process-wide pool, one thread per available core ({@code -Djavelin.threads=N} overrides).
     * Closing it is a no-op.
     */
    public static ComputePool shared() {
        return SHARED;
    }

    /** A new pool running loops on {@code threads} threads (the caller counts as one of them). */
    public static ComputePool create(int threads) {
        return new ComputePool(threads, "javelin-compute-" + threads + "t", false);
    }

    private static int defaultThreads() {
        String prop = System.getProperty("javelin.threads");
        if (prop != null) {
            try {
                int n = Integer.parseInt(prop.trim());
                if (n >= 1) return n;
            } catch (NumberFormatException ignored) {
                // fall through to the error below
            }
            throw new IllegalArgumentException("-Djavelin.threads must be a positive integer, got '" + prop + "'");
        }
        return Runtime.getRuntime().availableProcessors();
    }

    /** How many threads run a loop, the caller included. */
    public int threads() {
        return threads;
    }

    /**
     * Runs {@code body.accept(i)} for every {@code i} in {@code [0, n)}, in parallel, and returns when
     * all are done. If a body throws, the remaining indices are skipped and the first exception is
     * rethrown here.
     */
    public void parallelFor(int n, IntConsumer body) {
        if (n < 0) throw new IllegalArgumentException("parallelFor: negative count " + n);
        if (closed) throw new IllegalStateException("ComputePool is closed");
        if (n == 0) return;
        if (n == 1 || workers.length == 0 || isOwnWorker()) {
            for (int i = 0; i < n; i++) body.accept(i);
            return;
        }
        Loop loop = new Loop(n, body, Thread.currentThread());
        int helpers = Math.min(workers.length, n - 1);
        for (int i = 0; i < helpers; i++) queue.add(loop);
        loop.work();
        loop.awaitDone();
        Throwable error = loop.error;
        if (error instanceof RuntimeException re) throw re;
        if (error instanceof Error e) throw e;
        if (error != null) throw new IllegalStateException(error);
    }

    private boolean isOwnWorker() {
        Thread current = Thread.currentThread();
        for (Thread w : workers) if (w == current) return true;
        return false;
    }

    private void workerLoop() {
        while (!closed) {
            Loop loop = queue.poll();
            if (loop == null) {
                long deadline = System.nanoTime() + SPIN_NANOS;
                while (loop == null && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                    loop = queue.poll();
                }
            }
            if (loop == null) {
                try {
                    loop = queue.poll(1, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    return;
                }
                if (loop == null) continue;
            }
            loop.work();
        }
    }

    /** Stops the workers of a pool made by {@link #create}; pending loops finish on their callers. */
    @Override
    public void close() {
        if (shared) return;
        closed = true;
        for (Thread w : workers) w.interrupt();
    }

    /** One parallelFor call: indices are handed out by {@code next}, {@code remaining} counts unfinished ones. */
    private static final class Loop {
        private final int n;
        private final IntConsumer body;
        private final Thread caller;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger remaining;
        private volatile Throwable error;

        Loop(int n, IntConsumer body, Thread caller) {
            this.n = n;
            this.body = body;
            this.caller = caller;
            this.remaining = new AtomicInteger(n);
        }

        void work() {
            int done = 0;
            int i;
            while ((i = next.getAndIncrement()) < n) {
                if (error == null) {
                    try {
                        body.accept(i);
                    } catch (Throwable t) {
                        if (error == null) error = t;
                    }
                }
                done++;
            }
            if (done > 0 && remaining.addAndGet(-done) == 0) LockSupport.unpark(caller);
        }

        void awaitDone() {
            long deadline = System.nanoTime() + SPIN_NANOS;
            while (remaining.get() != 0) {
                if (System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
        }
    }
}
