package dev.javelin.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
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

    /**
     * The caller claims from the front and the workers from the back, so the caller's indices are
     * a prefix of the range and the worker's the rest; a loop longer than {@link
     * ComputePool#TWO_ENDED_MAX} is handed out from the front only, and runs every index once too.
     */
    @Test
    void theCallerTakesTheFrontAndTheWorkersTheBack() {
        try (ComputePool pool = ComputePool.create(2)) {
            Thread caller = Thread.currentThread();
            int n = 400;
            AtomicReferenceArray<Thread> ranBy = new AtomicReferenceArray<>(n);
            AtomicBoolean workerRan = new AtomicBoolean();
            pool.parallelFor(n, i -> {
                ranBy.set(i, Thread.currentThread());
                if (Thread.currentThread() != caller) workerRan.set(true);
                // the caller's first index waits (up to 5 s) for the worker to join, so that both claim
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (!workerRan.get() && System.nanoTime() < deadline) Thread.onSpinWait();
                long until = System.nanoTime() + 20_000;
                while (System.nanoTime() < until) Thread.onSpinWait();
            });
            int front = 0;
            while (front < n && ranBy.get(front) == caller) front++;
            for (int i = front; i < n; i++) assertThat(ranBy.get(i)).as("index %d", i).isNotNull().isNotSameAs(caller);
            assertThat(front).as("indices run by the caller").isBetween(1, n - 1);

            int longLoop = ComputePool.TWO_ENDED_MAX + 1;
            AtomicIntegerArray hits = new AtomicIntegerArray(longLoop);
            pool.parallelFor(longLoop, hits::incrementAndGet);
            for (int i = 0; i < longLoop; i++) assertThat(hits.get(i)).as("index %d", i).isEqualTo(1);
        }
    }

    /**
     * Back-to-back loops reuse one slot, and a worker may read a loop's state just as the next loop
     * starts there: every index of every loop, of lengths handed out from both ends or from the
     * front only, runs once.
     */
    @Test
    void backToBackLoopsOfAnyLengthRunEachIndexOnce() {
        try (ComputePool pool = ComputePool.create(2)) {
            SplittableRandom rnd = new SplittableRandom(5);
            for (int loop = 0; loop < 20_000; loop++) {
                int n = loop % 1000 == 999 ? ComputePool.TWO_ENDED_MAX + 1 + rnd.nextInt(100) : 1 + rnd.nextInt(400);
                AtomicIntegerArray hits = new AtomicIntegerArray(n);
                pool.parallelFor(n, hits::incrementAndGet);
                for (int i = 0; i < n; i++) {
                    if (hits.get(i) != 1) assertThat(hits.get(i)).as("loop %d of %d indices, index %d", loop, n, i).isEqualTo(1);
                }
            }
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
     * body, and a failure stays with the loop that threw it. A failing loop skips the indices not
     * yet handed out, and only those: the indices it ran, each once, are a prefix and a suffix of
     * its range (the caller claims from the front, the workers from the back).
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
                        if (fails ? !ranAPrefixAndASuffix(hits) || hits.get(n - 1) != 1 : !ranEachOnce(hits)) wrong.incrementAndGet();
                    }
                });
            }
            for (Thread t : threads) t.join();
            assertThat(wrong.get()).isZero();
        }
    }

    private static boolean ranEachOnce(AtomicIntegerArray hits) {
        for (int i = 0; i < hits.length(); i++) if (hits.get(i) != 1) return false;
        return true;
    }

    /** Whether the indices run once are a prefix and a suffix of the range, and the rest never ran. */
    private static boolean ranAPrefixAndASuffix(AtomicIntegerArray hits) {
        int i = 0, n = hits.length();
        while (i < n && hits.get(i) == 1) i++;
        while (i < n && hits.get(i) == 0) i++;
        while (i < n && hits.get(i) == 1) i++;
        return i == n;
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
