package dev.javelin.io.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** TEMPORARY stand-in for javelin-io's ModelSource until it lands on main: local directories only. */
public final class ModelSource {
    private ModelSource() {}

    public static Path resolve(String spec) throws IOException {
        Path p = Path.of(spec);
        if (!Files.isDirectory(p)) throw new IOException("model " + spec + " is not a local directory");
        return p;
    }
}
