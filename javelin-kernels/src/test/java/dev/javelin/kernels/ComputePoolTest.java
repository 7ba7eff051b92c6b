package dev.javelin.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;

class ComputePoolTest {
    @Test
    void runsEveryIndexExactlyOnceOnSeveralThreads() {
        try (ComputePool pool = ComputePool.create(4)) {
            int n = 10_000;
            AtomicIntegerArray hits = new AtomicIntegerArray(n);
            var threadsSeen = ConcurrentHashMap.newKeySet();
            pool.parallelFor(n, i -> {
                hits.incrementAndGet(i);
                threadsSeen.add(Thread.currentThread());
                if (i % 100 == 0) Thread.onSpinWait();
            });
            for (int i = 0; i < n; i++) assertThat(hits.get(i)).as("index %d", i).isEqualTo(1);
            assertThat(pool.threads()).isEqualTo(4);
        }
    }

    @Test
    void nestedLoopsRunInlineWithoutDeadlock() {
        try (ComputePool pool = ComputePool.create(2)) {
            AtomicInteger total = new AtomicInteger();
            pool.parallelFor(8, i -> pool.parallelFor(8, j -> total.incrementAndGet()));
            assertThat(total.get()).isEqualTo(64);
        }
    }

    @Test
    void rethrowsTheFirstFailureAfterTheLoopEnds() {
        try (ComputePool pool = ComputePool.create(3)) {
            assertThatThrownBy(() -> pool.parallelFor(100, i -> {
                if (i == 37) throw new IllegalStateException("boom at " + i);
            })).isInstanceOf(IllegalStateException.class).hasMessage("boom at 37");
            // the pool still works afterwards
            AtomicInteger count = new AtomicInteger();
            pool.parallelFor(10, i -> count.incrementAndGet());
            assertThat(count.get()).isEqualTo(10);
        }
    }

    @Test
    void concurrentCallersShareThePool() throws Exception {
        try (ComputePool pool = ComputePool.create(2)) {
            AtomicInteger total = new AtomicInteger();
            Thread[] callers = new Thread[4];
            for (int c = 0; c < callers.length; c++) {
                callers[c] = Thread.ofVirtual().start(() -> {
                    for (int r = 0; r < 50; r++) pool.parallelFor(20, i -> total.incrementAndGet());
                });
            }
            for (Thread t : callers) t.join();
            assertThat(total.get()).isEqualTo(4 * 50 * 20);
        }
    }

    /**
     * More callers than the pool has loop slots, each posting thousands of short loops of varying
     * length into reused slots: every index of every loop runs exactly once, on that loop's own
     * body, and a failure stays with the loop that threw it.
     */
    @Test
    void slotsReusedByManyConcurrentCallersRunEveryLoopExactly() throws Exception {
        try (ComputePool pool = ComputePool.create(3)) {
            int callers = 24, loops = 400;
            AtomicInteger wrong = new AtomicInteger();
            Thread[] threads = new Thread[callers];
            for (int c = 0; c < callers; c++) {
                int caller = c;
                Thread.Builder builder = c % 2 == 0 ? Thread.ofPlatform() : Thread.ofVirtual();
                threads[c] = builder.start(() -> {
                    for (int r = 0; r < loops; r++) {
                        int n = 1 + (caller * 7 + r * 13) % 40;
                        AtomicIntegerArray hits = new AtomicIntegerArray(n);
                        boolean fails = r % 50 == 7;
                        try {
                            pool.parallelFor(n, i -> {
                                hits.incrementAndGet(i);
                                if (fails && i == n - 1) throw new IllegalStateException("loop " + caller + "/" + n);
                            });
                            if (fails) wrong.incrementAndGet();
                        } catch (IllegalStateException e) {
                            if (!fails || !e.getMessage().equals("loop " + caller + "/" + n)) wrong.incrementAndGet();
                        }
                        for (int i = 0; i < n; i++) if (hits.get(i) != 1) wrong.incrementAndGet();
                    }
                });
            }
            for (Thread t : threads) t.join();
            assertThat(wrong.get()).isZero();
        }
    }

    /**
     * A hand-off allocates nothing: over a round of 10,000 warmed-up loops neither the caller nor
     * the worker allocates (the pool used to make a loop object, two counters and a queue node for
     * each, ~100 bytes a call, 1 MB a round). Counted bytes, not time: the best of a few rounds is
     * taken so that a JIT tier change under a loaded machine cannot make it fail.
     */
    @Test
    void handOffAllocatesNothing() {
        var threadBean = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (ComputePool pool = ComputePool.create(2)) {
            AtomicLong sum = new AtomicLong();
            IntConsumer body = sum::addAndGet;
            for (int r = 0; r < 20_000; r++) pool.parallelFor(8, body);
            long[] ids = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t == Thread.currentThread() || t.getName().startsWith("javelin-compute-2t"))
                    .mapToLong(Thread::threadId).toArray();
            assertThat(ids).hasSizeGreaterThanOrEqualTo(2);
            int calls = 10_000;
            long best = Long.MAX_VALUE;
            for (int round = 0; round < 10 && best >= 1024; round++) {
                long before = Arrays.stream(threadBean.getThreadAllocatedBytes(ids)).sum();
                for (int r = 0; r < calls; r++) pool.parallelFor(8, body);
                best = Math.min(best, Arrays.stream(threadBean.getThreadAllocatedBytes(ids)).sum() - before);
            }
            assertThat(best).as("bytes allocated by %d hand-offs", calls).isLessThan(1024);
        }
    }

    @Test
    void rejectsBadArgumentsAndUseAfterClose() {
        assertThatThrownBy(() -> ComputePool.create(0)).isInstanceOf(IllegalArgumentException.class);
        ComputePool pool = ComputePool.create(2);
        assertThatThrownBy(() -> pool.parallelFor(-1, i -> {})).isInstanceOf(IllegalArgumentException.class);
        pool.close();
        assertThatThrownBy(() -> pool.parallelFor(3, i -> {})).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        ComputePool.shared().close(); // a no-op for the shared pool
        AtomicInteger count = new AtomicInteger();
        ComputePool.shared().parallelFor(5, i -> count.incrementAndGet());
        assertThat(count.get()).isEqualTo(5);
    }
}
