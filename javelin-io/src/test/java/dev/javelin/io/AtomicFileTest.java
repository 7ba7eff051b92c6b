package dev.javelin.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
    @TempDir
    Path dir;

    @Test
    void writeCreatesMissingDirectoriesAndReplacesAnOldFile() throws IOException {
        Path target = dir.resolve("a/b/config.json");
        AtomicFile.write(target, "{\"v\":1}".getBytes(StandardCharsets.UTF_8));
        AtomicFile.write(target, "{\"v\":2}".getBytes(StandardCharsets.UTF_8));
        assertThat(Files.readString(target)).isEqualTo("{\"v\":2}");
        assertThat(names(target.getParent())).containsExactly("config.json");
    }

    @Test
    void aWriterThatFailsLeavesTheOldFileWholeAndNoTemporaryBehind() throws IOException {
        Path target = dir.resolve("model.safetensors");
        Files.writeString(target, "old");
        assertThatThrownBy(() -> AtomicFile.write(target, ch -> {
                    ch.write(ByteBuffer.wrap("half of the new".getBytes(StandardCharsets.UTF_8)));
                    throw new IOException("disk full");
                }))
                .hasMessage("disk full");
        assertThat(Files.readString(target)).isEqualTo("old");
        assertThat(names(dir)).containsExactly("model.safetensors");
    }

    @Test
    void thePublishedFileKeepsTheUsualPermissionsRatherThanATemporaryFilesOwnerOnlyOnes() throws IOException {
        Path plain = dir.resolve("plain");
        Files.writeString(plain, "x");
        Path target = dir.resolve("atomic");
        AtomicFile.write(target, new byte[] {1});
        assertThat(Files.getPosixFilePermissions(target)).isEqualTo(Files.getPosixFilePermissions(plain))
                .contains(PosixFilePermission.OWNER_READ);
    }

    @Test
    void publishRenamesAStreamedFileOverItsTarget() throws IOException {
        Path streamed = dir.resolve("results.jsonl.tmp");
        Files.writeString(streamed, "{\"row\":1}\n");
        Path target = dir.resolve("results.jsonl");
        Files.writeString(target, "stale");
        AtomicFile.publish(streamed, target);
        assertThat(Files.readString(target)).isEqualTo("{\"row\":1}\n");
        assertThat(streamed).doesNotExist();
    }

    private static List<String> names(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }
}
