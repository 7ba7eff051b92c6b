package dev.javelin.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicInteger;
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
