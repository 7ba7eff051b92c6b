package dev.javelin.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.javelin.io.source.ModelSource;
import dev.javelin.engine.Engine;
import dev.javelin.engine.Input;
import dev.javelin.engine.ModelSpec;
import dev.javelin.server.http.SimpleToken;
import dev.javelin.tokenizers.Encoding;
import dev.javelin.tokenizers.Tokenizer;
import dev.javelin.tokenizers.Truncation;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code javelin tokenize}: runs a {@code tokenizer.json} on texts or on JSON lines from stdin. */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = {"Tokenize texts with a Hugging Face tokenizer.json (pure Java).",
            "With TEXT arguments, prints tokens and ids. Without, reads JSON lines from stdin (a string, or "
                + "{\"text\": ..., \"text_pair\": ...}) and writes one JSON line per input: "
                + "{\"ids\", \"type_ids\", \"tokens\", \"offsets\", \"attention_mask\"}.",
            "Offsets are [start, end) in UTF-16 code units of the input (Java string indices).",
            "The tokenizer.json's truncation applies unless --max-length is given; padding is not applied."})
public final class TokenizeCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--model", required = true, paramLabel = "MODEL",
            description = "Model directory holding tokenizer.json, a tokenizer.json file, or a Hugging Face id "
                    + "(org/name[@revision]: from the HF cache, else downloaded).")
    String model;

    @Option(names = "--max-length", paramLabel = "N",
            description = "Truncate to N tokens (special tokens included).")
    Integer maxLength;

    @Option(names = "--truncation-side", paramLabel = "right|left", defaultValue = "right",
            description = "Which end truncation cuts (default: ${DEFAULT-VALUE}).")
    String truncationSide;

    @Option(names = "--no-special-tokens", description = "Do not add [CLS]/[SEP] or the like.")
    boolean noSpecialTokens;

    @Option(names = "--as-served", description = "Tokenize as the server's /tokenize does (its command-line twin): the "
            + "model loaded by the engine, never truncated, the model's prompt before each text (--prompt-name, else its "
            + "default); one JSON line [{\"id\", \"text\", \"special\", \"start\", \"stop\"}, …] per input, offsets in UTF-8 bytes.")
    boolean asServed;

    @Option(names = "--prompt-name", description = "With --as-served: one of the model's prompts to put before each text.")
    String promptName;

    @Spec
    CommandSpec spec;

    /** Where JSON lines are read from when no texts are given (tests substitute it). */
    InputStream stdin = System.in;

    @Parameters(arity = "0..*", paramLabel = "TEXT", description = "Texts to tokenize.")
    List<String> texts;

    @Override
    public Integer call() throws IOException {
        if (asServed) {
            return asServed();
        }
        PrintStream err = System.err;
        Truncation.Direction direction = switch (truncationSide.toLowerCase(Locale.ROOT)) {
            case "right" -> Truncation.Direction.RIGHT;
            case "left" -> Truncation.Direction.LEFT;
            default -> null;
        };
        if (direction == null) {
            err.println("javelin tokenize: --truncation-side must be 'right' or 'left', got '" + truncationSide + "'");
            return 2;
        }
        if (maxLength != null && maxLength < 0) {
            err.println("javelin tokenize: --max-length must be >= 0, got " + maxLength);
            return 2;
        }
        Tokenizer tokenizer;
        try {
            Path location = locate(model);
            Path file = Files.isDirectory(location) ? location.resolve("tokenizer.json") : location;
            if (!Files.isRegularFile(file)) {
                err.println("javelin tokenize: no tokenizer.json at " + file);
                return 2;
            }
            tokenizer = Tokenizer.fromFile(file).withoutPadding();
            Truncation t = tokenizer.truncation();
            if (maxLength != null) {
                tokenizer = tokenizer.withTruncation(new Truncation(maxLength,
                        t == null ? Truncation.Strategy.LONGEST_FIRST : t.strategy(), 0, direction));
            } else if (t != null) {
                tokenizer = tokenizer.withTruncation(new Truncation(t.maxLength(), t.strategy(), t.stride(), direction));
            }
        } catch (IOException | IllegalArgumentException e) {
            err.println("javelin tokenize: " + e.getMessage());
            return 2;
        }
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false,
                StandardCharsets.UTF_8);
        try {
            if (texts != null && !texts.isEmpty()) {
                for (String text : texts) {
                    Encoding e = tokenizer.encode(text, null, !noSpecialTokens);
                    ArrayNode tokens = JSON.createArrayNode();
                    for (String t : e.tokens()) {
                        tokens.add(t);
                    }
                    out.println("tokens: " + JSON.writeValueAsString(tokens));
                    out.println("ids:    " + JSON.writeValueAsString(e.ids()));
                }
                return 0;
            }
            return jsonLines(tokenizer, out, err);
        } catch (IllegalArgumentException e) {
            err.println("javelin tokenize: " + e.getMessage());
            return 2;
        } finally {
            out.flush();
        }
    }

    /** /tokenize's answer for each input, through the same engine calls. */
    private int asServed() {
        return JsonLines.run(spec, () -> {
            try (Engine engine = Engine.load(ModelSpec.of(model))) {
                PrintWriter out = spec.commandLine().getOut();
                TextInputs.forEachChunk(texts, stdin, chunk -> {
                    for (Input input : engine.prompted(chunk, promptName)) {
                        if (!(input instanceof Input.Text t)) throw new IllegalArgumentException("--as-served tokenizes single texts, not pairs");
                        JsonLines.print(out, SimpleToken.of(t.text(), engine.tokenize(t.text(), !noSpecialTokens)));
                    }
                    out.flush();
                });
            }
            return 0;
        });
    }

    /** An existing path, or a file name, as given; anything else is a model spec (HF cache, Hub). */
    private static Path locate(String spec) throws IOException {
        try {
            Path p = Path.of(spec);
            // A missing tokenizer.json is a typo, not a model to look for on the Hub.
            if (Files.exists(p) || spec.endsWith(".json")) {
                return p;
            }
        } catch (InvalidPathException e) {
            // not a path: a Hub id maybe
        }
        return ModelSource.resolve(spec);
    }

    private int jsonLines(Tokenizer tokenizer, PrintStream out, PrintStream err) throws IOException {
        try {
            TextInputs.forEachChunk(null, System.in, chunk -> {
                for (Input input : chunk) {
                    Encoding e = input instanceof Input.Pair p ? tokenizer.encode(p.text(), p.pair(), !noSpecialTokens)
                            : tokenizer.encode(((Input.Text) input).text(), null, !noSpecialTokens);
                    out.println(JSON.writeValueAsString(toJson(e)));
                }
                out.flush();
            });
        } catch (IllegalArgumentException e) {
            err.println("javelin tokenize: " + e.getMessage());
            return 2;
        }
        return 0;
    }

    static ObjectNode toJson(Encoding e) {
        ObjectNode o = JSON.createObjectNode();
        o.set("ids", JSON.valueToTree(e.ids()));
        o.set("type_ids", JSON.valueToTree(e.typeIds()));
        o.set("tokens", JSON.valueToTree(e.tokens()));
        o.set("offsets", JSON.valueToTree(e.offsets()));
        o.set("attention_mask", JSON.valueToTree(e.attentionMask()));
        return o;
    }
}
