package dev.javelin.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/** One JSON document per output line, and the CLI's error convention for the model commands. */
final class JsonLines {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonLines() {}

    static void print(PrintWriter out, Object value) {
        try {
            out.println(JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON output", e);
        }
    }

    /**
     * Runs a command body: bad input (arguments, stdin, a model that cannot be loaded) is a one-line
     * message and exit status 2, anything else a one-line message and status 1. Messages go to the
     * command's error writer, so tests can capture them.
     */
    static int run(CommandSpec spec, Callable<Integer> body) {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        try {
            return run("javelin " + spec.name(), err, body);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** As {@link #run(CommandSpec, Callable)}, messages on stderr. */
    static int run(String command, Callable<Integer> body) {
        PrintWriter err = new PrintWriter(System.err, true);
        return run("javelin " + command, err, body);
    }

    private static int run(String prefix, PrintWriter err, Callable<Integer> body) {
        try {
            return body.call();
        } catch (IllegalArgumentException | java.io.IOException | UnsupportedOperationException e) {
            err.println(prefix + ": " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println(prefix + ": " + e);
            return 1;
        } finally {
            err.flush();
        }
    }
}
