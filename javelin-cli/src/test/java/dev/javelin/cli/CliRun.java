package dev.javelin.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import picocli.CommandLine;

/**
 * One run of the command line in process, as a user would type it: exit status, the JSON lines it
 * printed, and its stderr.
 */
record CliRun(int status, List<JsonNode> lines, String err) {
    /** Numbers as decimals, so that a float read back is the float written (no double rounding on the way). */
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    static CliRun of(String stdin, String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        InputStream in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        switch (cli.getSubcommands().get(args[0]).getCommand()) {
            case EmbedCommand c -> c.stdin = in;
            case RerankCommand c -> c.stdin = in;
            case ClassifyCommand c -> c.stdin = in;
            case SimilarityCommand c -> c.stdin = in;
            case TokenizeCommand c -> c.stdin = in;
            default -> { }
        }
        int status = cli.execute(args);
        List<JsonNode> lines = out.toString().lines().filter(l -> l.startsWith("{") || l.startsWith("[")).map(l -> {
            try {
                return JSON.readTree(l);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + l, e);
            }
        }).toList();
        return new CliRun(status, lines, err.toString());
    }
}
