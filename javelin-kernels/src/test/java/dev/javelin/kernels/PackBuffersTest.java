package dev.javelin.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PackBuffersTest {
    @Test
    void aTakenArrayIsLargeEnoughAndNewOnesAreRoundedUpToAPowerOfTwo() {
        PackBuffers buffers = new PackBuffers();
        assertThat(buffers.take(1).length).isEqualTo(64);
        assertThat(buffers.take(1000).length).isEqualTo(1024);
        assertThat(buffers.take(1024).length).isEqualTo(1024);
        assertThat(buffers.take(1025).length).isEqualTo(2048);
    }

    @Test
    void aReturnedArrayIsTakenAgainAndTheSmallestLargeEnoughOneFirst() {
        PackBuffers buffers = new PackBuffers();
        float[] large = buffers.take(4096), small = buffers.take(100), middle = buffers.take(1000);
        buffers.give(large);
        buffers.give(small);
        buffers.give(middle);
        assertThat(buffers.take(90)).isSameAs(small);
        assertThat(buffers.take(90)).isSameAs(middle);
        assertThat(buffers.take(2000)).isSameAs(large);
        assertThat(buffers.take(2000)).isNotSameAs(large);
    }

    @Test
    void sixteenArraysAreKeptAndTheRestLeftToTheGc() {
        PackBuffers buffers = new PackBuffers();
        Set<float[]> given = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < 40; i++) given.add(buffers.take(64));
        given.forEach(buffers::give);
        int reused = 0;
        for (int i = 0; i < 40; i++) if (given.contains(buffers.take(64))) reused++;
        assertThat(reused).isEqualTo(16);
    }

    /** Many threads taking and returning at once never hold the same array together. */
    @Test
    void noArrayIsHandedToTwoHoldersAtOnce() throws Exception {
        PackBuffers buffers = new PackBuffers();
        Set<float[]> held = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
        AtomicInteger clashes = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int seed = t;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 20_000; i++) {
                    float[] buf = buffers.take(64 << ((i + seed) % 4));
                    if (!held.add(buf)) clashes.incrementAndGet();
                    held.remove(buf);
                    buffers.give(buf);
                }
            }));
        }
        for (Thread t : threads) t.join();
        assertThat(clashes.get()).isZero();
    }
}
