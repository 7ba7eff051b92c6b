package dev.javelin.io.config;

import java.io.IOException;

/** TEMPORARY stand-in (see ModelConfig). */
public final class ConfigException extends IOException {
    public ConfigException(String message) { super(message); }
}
