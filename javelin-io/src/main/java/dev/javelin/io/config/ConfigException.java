package dev.javelin.io.config;

import java.io.IOException;
import java.nio.file.Path;

/** A model configuration file that cannot be used: names the file, the key, and what is wrong. */
public final class ConfigException extends IOException {

    private final transient Path file;
    private final String key;

    /** @param key the JSON key at fault, or null when the problem is with the whole file */
    public ConfigException(Path file, String key, String problem) {
        super(file + (key == null ? "" : ": \"" + key + "\"") + ": " + problem);
        this.file = file;
        this.key = key;
    }

    public Path file() { return file; }

    /** The key at fault, or null. */
    public String key() { return key; }
}
