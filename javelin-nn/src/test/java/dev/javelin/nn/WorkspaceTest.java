package dev.javelin.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.javelin.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class WorkspaceTest {
    private static final Path STATUS = Path.of("/proc/self/status");

    @Test
    void anOutgrownBufferIsFreedAtOnceAndItsViewsFail() {
        Workspace ws = new Workspace();
        Tensor small = ws.tensor("x", 16, 16);
        small.set(1f, 3, 4);

        Tensor big = ws.tensor("x", 512, 384);

        long bigBytes = Workspace.capacity(512L * 384 * Float.BYTES);
        assertThat(ws.bytes()).isEqualTo(bigBytes);
        assertThat(small.segment().scope().isAlive()).isFalse();
        assertThatThrownBy(() -> small.get(3, 4)).isInstanceOf(IllegalStateException.class);
        big.set(2f, 511, 383);
        big.set(3f, 0, 0);
        assertThat(big.get(511, 383)).isEqualTo(2f);

        Tensor fewer = ws.tensor("x", 100, 384);
        assertThat(fewer.segment().scope()).as("a smaller pass reuses the buffer").isSameAs(big.segment().scope());
        assertThat(fewer.get(0, 0)).isEqualTo(3f);
        assertThat(ws.bytes()).isEqualTo(bigBytes);
    }

    /**
     * Read from the process's resident memory (Linux): buffers this large are mapped by malloc and
     * unmapped when freed, and zeroed when allocated, so all of a held buffer is resident. Growing a
     * 128 MiB buffer to 144 adds 16 MiB; were the outgrown one left for the GC, it would add 144.
     */
    @Test
    void growingGivesTheOutgrownMemoryBack() throws IOException {
        assumeTrue(Files.isReadable(STATUS), "needs /proc/self/status");
        Workspace ws = new Workspace();
        ws.tensor("x", 32 << 20).set(1f, 0);
        long before = residentMiB();

        Tensor grown = ws.tensor("x", 36 << 20);

        long added = residentMiB() - before;
        assertThat(added).as("MiB resident added by growing a 128 MiB buffer to 144").isLessThan(64L);
        grown.set(1f, (36 << 20) - 1);
        assertThat(grown.get((36 << 20) - 1)).isEqualTo(1f);
    }

    private static long residentMiB() throws IOException {
        String line = Files.readAllLines(STATUS).stream().filter(l -> l.startsWith("VmRSS:")).findFirst().orElseThrow();
        return Long.parseLong(line.replaceAll("[^0-9]", "")) >> 10;
    }

    @Test
    void aViewKeepsItsBufferAfterTheWorkspaceIsDropped() throws InterruptedException {
        Tensor result = new Workspace().tensor("hidden", 64, 384);
        result.set(5f, 63, 383);
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertThat(result.segment().scope().isAlive()).isTrue();
        assertThat(result.get(63, 383)).isEqualTo(5f);
    }

    @Test
    void buffersAreRoundedToAnEighthOfAPowerOfTwo() {
        assertThat(Workspace.capacity(0)).isEqualTo(Tensor.ALIGNMENT);
        assertThat(Workspace.capacity(1)).isEqualTo(Tensor.ALIGNMENT);
        assertThat(Workspace.capacity(1024)).isEqualTo(1024);
        assertThat(Workspace.capacity(1025)).isEqualTo(1024 + 128);
        assertThat(Workspace.capacity(4L << 20 | 1)).isEqualTo((4L << 20) + (512 << 10));
        for (long bytes = 1; bytes < 1L << 34; bytes = bytes * 3 + 7) {
            long c = Workspace.capacity(bytes);
            assertThat(c).isGreaterThanOrEqualTo(bytes);
            assertThat(c % Tensor.ALIGNMENT).isZero();
            if (bytes >= 8 * Tensor.ALIGNMENT) assertThat(c).isLessThanOrEqualTo(bytes + bytes / 8);
        }
    }
}
