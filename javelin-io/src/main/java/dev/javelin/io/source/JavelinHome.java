package dev.javelin.io.source;

import java.nio.file.Path;

/** Where Javelin keeps what it derives (converted models, embedding caches): one root for every module. */
public final class JavelinHome {
    private JavelinHome() {}

    /** {@code $JAVELIN_HOME}, else {@code ~/.cache/javelin}. */
    public static Path cacheRoot() {
        String home = System.getenv("JAVELIN_HOME");
        if (home != null && !home.isBlank()) return Path.of(home);
        return Path.of(System.getProperty("user.home"), ".cache", "javelin");
    }
}
