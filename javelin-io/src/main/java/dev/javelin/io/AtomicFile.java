package dev.javelin.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Files that readers see whole or not at all: written beside the target under a temporary name,
 * forced to disk, then renamed over it. A crash or a full disk leaves the old file (or none), never a
 * truncated one that a later run would load as a corrupt model, checkpoint or job output.
 */
public final class AtomicFile {
    private AtomicFile() {}

    /** Writes the content of a file through its channel. */
    @FunctionalInterface
    public interface Content {
        void writeTo(FileChannel channel) throws IOException;
    }

    /** Replaces {@code target} with {@code bytes}. */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, ch -> {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) ch.write(b);
        });
    }

    /** Replaces {@code target} with what {@code content} writes; on failure the target is untouched. */
    public static void write(Path target, Content content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // Not Files.createTempFile: its owner-only permissions would stick to the published file.
        Path tmp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                content.writeTo(ch);
            }
            publish(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Forces the finished file {@code written} to disk, renames it to {@code target} atomically
     * (replacing it), and forces the directory entry, for writers that stream into their own
     * temporary file.
     */
    public static void publish(Path written, Path target) throws IOException {
        try (FileChannel c = FileChannel.open(written, StandardOpenOption.WRITE)) {
            c.force(true);
        }
        try {
            Files.move(written, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + written + " to " + target + " atomically; use a local file system", e);
        }
        try (FileChannel d = FileChannel.open(target.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException ignored) {
            // Some file systems cannot open a directory for fsync; the rename itself is still atomic.
        }
    }
}
