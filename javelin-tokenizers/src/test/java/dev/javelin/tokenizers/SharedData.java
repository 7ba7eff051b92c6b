package dev.javelin.tokenizers;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared test data ({@code shared/datasets}) beside the clone: found by walking up from the working
 * directory, so that it is found from the repository, a module, or a git worktree nested inside it.
 */
final class SharedData {
    private SharedData() {
    }

    /** {@code shared/datasets/<relative>}, or null when no parent directory has it. */
    static Path find(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path p = dir.resolve("shared").resolve("datasets").resolve(relative);
            if (Files.exists(p)) {
                return p;
            }
        }
        return null;
    }
}
