package dev.javelin.io.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lock excludes holders of flock(2) locks, as huggingface_hub takes them. util-linux's
 * {@code flock} command plays the other process: it locks with flock(2), like Python's filelock.
 */
class CacheLockTest {
    @TempDir
    Path dir;

    @Test
    void anotherProcessHoldingAFlockKeepsUsOut() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/flock")), "util-linux flock is not installed");
        Path file = dir.resolve("blob.lock");
        Process holder = new ProcessBuilder("/usr/bin/flock", file.toString(), "sh", "-c", "echo locked; read line")
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream()));
            assertThat(out.readLine()).isEqualTo("locked");
            assertThat(CacheLock.tryAcquire(file)).isNull();
            holder.getOutputStream().close(); // ends `read`, so the holder exits and its lock goes
            assertThat(holder.waitFor(10, TimeUnit.SECONDS)).isTrue();
            try (CacheLock lock = CacheLock.tryAcquire(file)) {
                assertThat(lock).isNotNull();
            }
        } finally {
            holder.destroyForcibly();
        }
    }

    @Test
    void whileWeHoldItAnotherProcessCannotFlockIt() throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/flock")), "util-linux flock is not installed");
        Path file = dir.resolve("blob.lock");
        try (CacheLock lock = CacheLock.acquire(file)) {
            assertThat(new ProcessBuilder("/usr/bin/flock", "-n", file.toString(), "true").start().waitFor()).isEqualTo(1);
        }
        assertThat(new ProcessBuilder("/usr/bin/flock", "-n", file.toString(), "true").start().waitFor()).isZero();
    }
}
