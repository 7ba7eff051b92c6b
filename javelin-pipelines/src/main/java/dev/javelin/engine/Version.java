package dev.javelin.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Javelin's version, as the build's POM states it (a filtered resource), so that it is written in one place. */
public final class Version {
    private static final String VERSION = load();

    private Version() {}

    /** E.g. {@code 0.1.0-SNAPSHOT}. */
    public static String current() {
        return VERSION;
    }

    private static String load() {
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("javelin.properties")) {
            if (in == null) throw new IllegalStateException("javelin.properties is missing from javelin-pipelines");
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("version");
    }
}
