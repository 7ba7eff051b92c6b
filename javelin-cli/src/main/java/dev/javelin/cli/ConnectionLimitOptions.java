package dev.javelin.cli;

import dev.javelin.server.edge.EdgeLimits;
import java.time.Duration;
import picocli.CommandLine.Option;

/** `serve`'s flags bounding what clients may hold: open connections and the time each request phase may take. */
final class ConnectionLimitOptions {
    @Option(names = "--max-connections", defaultValue = "${env:MAX_CONNECTIONS:-0}", paramLabel = "N",
            description = "Client connections open at once. At the cap a new connection takes the place of the one idle"
                    + " longest, or is closed at once when all are busy; both are counted in /metrics."
                    + " Default (0): what the file limit (ulimit -n) leaves, halved. [MAX_CONNECTIONS]")
    int maxConnections;

    @Option(names = "--request-line-timeout", defaultValue = "${env:REQUEST_LINE_TIMEOUT:-10}", paramLabel = "SECONDS",
            description = "A new connection, or a request once its first byte came, must send its request line"
                    + " within this. Default: ${DEFAULT-VALUE}. [REQUEST_LINE_TIMEOUT]")
    double requestLineTimeout;

    @Option(names = "--header-timeout", defaultValue = "${env:HEADER_TIMEOUT:-20}", paramLabel = "SECONDS",
            description = "... and all its headers within this (else 408 and the connection closed)."
                    + " Default: ${DEFAULT-VALUE}. [HEADER_TIMEOUT]")
    double headerTimeout;

    @Option(names = "--body-timeout", defaultValue = "${env:BODY_TIMEOUT:-60}", paramLabel = "SECONDS",
            description = "The whole request body must arrive within this after the headers."
                    + " Default: ${DEFAULT-VALUE}. [BODY_TIMEOUT]")
    double bodyTimeout;

    @Option(names = "--idle-timeout", defaultValue = "${env:IDLE_TIMEOUT:-60}", paramLabel = "SECONDS",
            description = "A kept-alive connection waiting this long for its next request is closed."
                    + " Default: ${DEFAULT-VALUE}. [IDLE_TIMEOUT]")
    double idleTimeout;

    @Option(names = "--write-timeout", defaultValue = "${env:WRITE_TIMEOUT:-60}", paramLabel = "SECONDS",
            description = "A client that stops reading its answer for this long is disconnected (its slot freed)."
                    + " Default: ${DEFAULT-VALUE}. [WRITE_TIMEOUT]")
    double writeTimeout;

    /** @throws IllegalArgumentException naming the flag that is out of range */
    EdgeLimits limits() {
        int max = maxConnections == 0 ? EdgeLimits.defaultMaxConnections() : maxConnections;
        EdgeLimits limits = new EdgeLimits(max, seconds(requestLineTimeout), seconds(headerTimeout),
                seconds(bodyTimeout), seconds(idleTimeout), seconds(writeTimeout));
        limits.requireWithinFileLimit();
        return limits;
    }

    private static Duration seconds(double s) {
        return Duration.ofNanos((long) (s * 1e9));
    }
}
