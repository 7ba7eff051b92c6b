package dev.javelin.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Conversions leave no temporary files, not even when a converting process was killed. */
class StagingDirectoryTest {
    @TempDir
    Path dir;

    /** The id of a process that has exited. */
    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return p.pid();
    }

    @Test
    void stagingLeftByAKilledProcessIsDeletedByTheNextConversion() throws Exception {
        Path out = dir.resolve("model");
        Path abandoned = Files.createDirectories(dir.resolve(".model.tmp-" + deadPid() + "-123"));
        Files.writeString(abandoned.resolve("model.safetensors"), "half written");
        Path live = Files.createDirectories(dir.resolve(".model.tmp-" + ProcessHandle.current().pid() + "-456"));
        Path unrelated = Files.createDirectories(dir.resolve(".other.tmp-1-1"));
        try (StagingDirectory staging = StagingDirectory.beside(out)) {
            assertThat(staging.path()).isDirectory().hasParent(dir);
            assertThat(staging.path().getFileName().toString()).startsWith(".model.tmp-" + ProcessHandle.current().pid() + "-");
        }
        assertThat(abandoned).doesNotExist();
        assertThat(live).as("a running process's staging").exists();
        assertThat(unrelated).exists();
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
                    live.getFileName().toString(), unrelated.getFileName().toString());
        }
    }

    @Test
    void aDirectoryGivenAsTheOnnxFileIsNamedAsSuch() throws IOException {
        Files.writeString(dir.resolve("model.onnx"), "x");
        assertThatThrownBy(() -> OnnxGraph.read(dir)).isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("is a directory").hasMessageContaining("model.onnx");
        assertThatThrownBy(() -> OnnxGraph.read(dir.resolve("missing.onnx"))).hasMessageContaining("no such file");
    }
}
