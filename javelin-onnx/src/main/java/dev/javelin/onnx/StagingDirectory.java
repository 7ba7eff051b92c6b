package dev.javelin.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * A private sibling directory where a conversion writes before it is renamed into place. Its name
 * carries the converting process's id: a process that dies without cleaning up ({@code kill -9}, power
 * loss) leaves it behind, and the next conversion to the same target deletes every staging directory
 * whose process is gone. A process stopped by SIGTERM or SIGINT deletes its own in a shutdown hook.
 */
final class StagingDirectory implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(StagingDirectory.class.getName());

    private final Path dir;
    private final Thread cleanup;

    private StagingDirectory(Path dir) {
        this.dir = dir;
        this.cleanup = new Thread(this::deleteQuietly, "javelin-staging-cleanup");
    }

    /** Creates a staging directory beside {@code target}, first deleting any left by processes that died. */
    static StagingDirectory beside(Path target) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        String prefix = prefix(target);
        deleteAbandoned(parent, prefix);
        StagingDirectory staging = new StagingDirectory(
                Files.createTempDirectory(parent, prefix + ProcessHandle.current().pid() + "-"));
        Runtime.getRuntime().addShutdownHook(staging.cleanup);
        return staging;
    }

    private static String prefix(Path target) {
        return "." + target.getFileName() + ".tmp-";
    }

    /** Deletes the staging directories beside {@code parent} whose process no longer runs. */
    static void deleteAbandoned(Path parent, String prefix) throws IOException {
        try (Stream<Path> siblings = Files.list(parent)) {
            for (Path p : siblings.toList()) {
                String name = p.getFileName().toString();
                if (!name.startsWith(prefix) || !Files.isDirectory(p)) continue;
                String rest = name.substring(prefix.length());
                int dash = rest.indexOf('-');
                long pid;
                try {
                    pid = Long.parseLong(dash < 0 ? rest : rest.substring(0, dash));
                } catch (NumberFormatException e) {
                    continue; // not one of ours
                }
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) continue;
                LOG.info(() -> "deleting " + p + ", left by process " + pid + " which is gone");
                OnnxConverter.deleteRecursively(p);
            }
        }
    }

    Path path() {
        return dir;
    }

    private void deleteQuietly() {
        try {
            OnnxConverter.deleteRecursively(dir);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not delete " + dir, e);
        }
    }

    /** Deletes the directory (if it was not renamed into place). */
    @Override
    public void close() throws IOException {
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            // Shutting down: the hook deletes it.
            return;
        }
        OnnxConverter.deleteRecursively(dir);
    }
}
