package dev.javelin.io;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Resolves relative paths taken from files and servers (shard names, module paths, Hub file
 * names) so that none can lead outside the directory it belongs to.
 */
public final class ContainedPath {
    private ContainedPath() {}

    /**
     * {@code dir/relative} normalized, or empty if {@code relative} is absolute, empty, not a valid
     * path, or climbs out of {@code dir} (e.g. {@code ../x}).
     */
    public static Optional<Path> resolve(Path dir, String relative) {
        Path base = dir.toAbsolutePath().normalize();
        try {
            Path rel = Path.of(relative);
            if (relative.isEmpty() || rel.isAbsolute()) return Optional.empty();
            Path p = base.resolve(rel).normalize();
            return p.startsWith(base) && !p.equals(base) ? Optional.of(p) : Optional.empty();
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }
}
