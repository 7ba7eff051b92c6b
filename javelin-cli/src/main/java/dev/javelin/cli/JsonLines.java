package dev.javelin.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.util.concurrent.Callable;

/** One JSON document per output line, and the CLI's error convention for the model commands. */
final class JsonLines {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonLines() {}

    static void print(PrintStream out, Object value) {
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
    static int run(String command, Callable<Integer> body) {
        try {
            return body.call();
        } catch (IllegalArgumentException | java.io.IOException | UnsupportedOperationException e) {
            System.err.println("javelin " + command + ": " + e.getMessage());
            return 2;
        } catch (Exception e) {
            System.err.println("javelin " + command + ": " + e);
            return 1;
        }
    }
}
