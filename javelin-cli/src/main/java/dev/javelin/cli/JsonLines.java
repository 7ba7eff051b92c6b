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
     * message and exit status 2, anything else a one-line message and status 1.
     */
    static int run(CommandSpec spec, Callable<Integer> body) {
        PrintWriter err = spec.commandLine().getErr();
        String command = "javelin " + spec.name();
        try {
            return body.call();
        } catch (IllegalArgumentException | java.io.IOException | UnsupportedOperationException e) {
            err.println(command + ": " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println(command + ": " + e);
            return 1;
        } finally {
            spec.commandLine().getOut().flush();
            err.flush();
        }
    }
}
