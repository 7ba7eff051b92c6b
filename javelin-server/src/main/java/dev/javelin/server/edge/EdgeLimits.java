package dev.javelin.server.edge;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * How much a client may hold of the server: open connections and how long each phase of a request may
 * take. The connection cap sits below the process's file limit, so that accepting can never fail for
 * lack of file descriptors.
 *
 * @param maxConnections     client connections open at once; beyond it new connections are closed at once
 * @param requestLineTimeout from a new connection, or the first byte of a request, to its request line
 * @param headerTimeout      from a new connection, or the first byte of a request, to the end of its headers
 * @param bodyTimeout        from the end of the headers to the end of the body
 * @param idleTimeout        how long a kept-alive connection may wait for its next request
 * @param writeTimeout       how long one write of an answer may wait for a client that does not read
 */
public record EdgeLimits(int maxConnections, Duration requestLineTimeout, Duration headerTimeout,
                         Duration bodyTimeout, Duration idleTimeout, Duration writeTimeout) {
    /** Descriptors kept free for everything that is not a client connection (model files, jars, logs). */
    static final int RESERVED_DESCRIPTORS = 128;

    public static final Duration DEFAULT_REQUEST_LINE_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(20);
    public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(60);

    public EdgeLimits {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("--max-connections must be positive, got " + maxConnections);
        }
        requirePositive("--request-line-timeout", requestLineTimeout);
        requirePositive("--header-timeout", headerTimeout);
        requirePositive("--body-timeout", bodyTimeout);
        requirePositive("--idle-timeout", idleTimeout);
        requirePositive("--write-timeout", writeTimeout);
        if (headerTimeout.compareTo(requestLineTimeout) < 0) {
            throw new IllegalArgumentException("--header-timeout (" + headerTimeout.toSeconds()
                    + " s) must not be shorter than --request-line-timeout (" + requestLineTimeout.toSeconds() + " s)");
        }
    }

    /** With the default write timeout. */
    public EdgeLimits(int maxConnections, Duration requestLineTimeout, Duration headerTimeout, Duration bodyTimeout,
                      Duration idleTimeout) {
        this(maxConnections, requestLineTimeout, headerTimeout, bodyTimeout, idleTimeout, DEFAULT_WRITE_TIMEOUT);
    }

    private static void requirePositive(String flag, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(flag + " must be positive, got " + d);
        }
    }

    /**
     * The default limits: the connection cap is what the process's file limit leaves after
     * {@value #RESERVED_DESCRIPTORS} descriptors for everything else, and each client connection takes
     * two descriptors (its socket and its hop to the HTTP handlers).
     */
    public static EdgeLimits defaults() {
        return new EdgeLimits(defaultMaxConnections(), DEFAULT_REQUEST_LINE_TIMEOUT, DEFAULT_HEADER_TIMEOUT,
                DEFAULT_BODY_TIMEOUT, DEFAULT_IDLE_TIMEOUT, DEFAULT_WRITE_TIMEOUT);
    }

    /** (file limit - descriptors already open - reserve) / 2, at least 1; 10,000 where the limit is unknown. */
    public static int defaultMaxConnections() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
            long free = unix.getMaxFileDescriptorCount() - unix.getOpenFileDescriptorCount() - RESERVED_DESCRIPTORS;
            return (int) Math.max(1, Math.min(Integer.MAX_VALUE, free / 2));
        }
        return 10_000;
    }

    /**
     * Refuses a cap the file limit cannot hold: past it, accepting (here, or behind, where the
     * handlers accept their hop) would fail for lack of descriptors.
     *
     * @throws IllegalArgumentException naming the limit and how to raise it
     */
    public void requireWithinFileLimit() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
                && maxConnections > (unix.getMaxFileDescriptorCount() - RESERVED_DESCRIPTORS) / 2) {
            long most = Math.max(0, (unix.getMaxFileDescriptorCount() - RESERVED_DESCRIPTORS) / 2);
            throw new IllegalArgumentException("--max-connections " + maxConnections + " does not fit the file limit of "
                    + unix.getMaxFileDescriptorCount() + " descriptors (each connection takes two, and "
                    + RESERVED_DESCRIPTORS + " stay free): at most " + most + "; raise `ulimit -n` for more");
        }
    }

    public EdgeLimits withMaxConnections(int v) {
        return new EdgeLimits(v, requestLineTimeout, headerTimeout, bodyTimeout, idleTimeout, writeTimeout);
    }
}
