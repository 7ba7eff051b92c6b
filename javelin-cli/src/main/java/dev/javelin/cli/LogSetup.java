package dev.javelin.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The one logging set-up of the command line. Library code logs through {@link System.Logger} (and
 * Helidon through java.util.logging), both of which end in java.util.logging's root logger; this
 * replaces its handler with one that writes one line per event to stderr: plain text, or with
 * {@code --json-output} one JSON object per line with TEI's field names (timestamp, level,
 * fields.message, target).
 */
final class LogSetup {
    private LogSetup() {}

    static void install(boolean json) {
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) root.removeHandler(h);
        Handler handler = new ConsoleHandler(); // stderr
        handler.setLevel(Level.ALL);
        handler.setFormatter(json ? new JsonLines() : new OneLine());
        root.addHandler(handler);
    }

    /** {@code 2026-11-30T09:00:00.123Z INFO  dev.javelin.server.InferenceServer: message}, a stack trace indented below. */
    static final class OneLine extends Formatter {
        @Override
        public String format(LogRecord r) {
            StringBuilder line = new StringBuilder().append(r.getInstant()).append(' ')
                    .append(String.format("%-5s", level(r))).append(' ').append(r.getLoggerName()).append(": ")
                    .append(formatMessage(r).replace('\n', ' '));
            if (r.getThrown() != null) line.append(" | ").append(stackTrace(r.getThrown()).strip().replace("\n", " | "));
            return line.append(System.lineSeparator()).toString();
        }
    }

    /** One JSON object per line, as TEI's {@code --json-output} writes them. */
    static final class JsonLines extends Formatter {
        // Here rather than in LogSetup: Jackson's first mapper took ~70 ms of every start-up's main
        // thread before the command even parsed its flags (-Xlog:class+load), plain text or not.
        private static final ObjectMapper JSON = new ObjectMapper();

        @Override
        public String format(LogRecord r) {
            ObjectNode event = JSON.createObjectNode();
            event.put("timestamp", Instant.from(r.getInstant()).toString());
            event.put("level", level(r));
            ObjectNode fields = event.putObject("fields");
            fields.put("message", formatMessage(r));
            if (r.getThrown() != null) fields.put("error", stackTrace(r.getThrown()));
            event.put("target", r.getLoggerName());
            event.put("threadName", Thread.currentThread().getName());
            return event + System.lineSeparator();
        }
    }

    /** TEI's (tracing's) level names. */
    static String level(LogRecord r) {
        int v = r.getLevel().intValue();
        return v >= Level.SEVERE.intValue() ? "ERROR" : v >= Level.WARNING.intValue() ? "WARN"
                : v >= Level.INFO.intValue() ? "INFO" : v >= Level.FINE.intValue() ? "DEBUG" : "TRACE";
    }

    private static String stackTrace(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
