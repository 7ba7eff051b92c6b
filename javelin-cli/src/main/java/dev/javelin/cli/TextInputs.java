package dev.javelin.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.javelin.engine.Input;
import dev.javelin.server.http.StrictJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Inputs of {@code embed}, {@code classify}, {@code rerank} and {@code tokenize}: the texts given as
 * arguments, or — with none — JSON lines on stdin, each a string or {@code {"text": …, "text_pair": …}}.
 * Stdin is read in chunks, so that a command computes and writes while its input still streams in, in
 * memory bounded by a chunk whatever the length of the input.
 */
final class TextInputs {
    /** Most inputs in one chunk: enough for a full batch, few enough to answer soon. */
    static final int CHUNK = 128;
    /** Longest accepted line, in characters. */
    static final int MAX_LINE = 8 << 20;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a command does with each chunk of inputs. */
    @FunctionalInterface
    interface ChunkHandler {
        void handle(List<Input> chunk) throws IOException;
    }

    private final BufferedReader in;
    private int lineNumber;

    private TextInputs(InputStream stdin) {
        this.in = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8), 64 * 1024);
    }

    /**
     * Hands the inputs to {@code handler} chunk by chunk: the arguments as one chunk, else stdin's lines in
     * chunks of at most {@link #CHUNK}. A chunk ends early when no further line has arrived yet, so that
     * a line typed at a terminal is answered at once.
     *
     * @throws IllegalArgumentException naming the line of the first bad input (chunks before it were handled)
     */
    static void forEachChunk(List<String> args, InputStream stdin, ChunkHandler handler) throws IOException {
        if (args != null && !args.isEmpty()) {
            handler.handle(args.stream().map(Input::of).toList());
            return;
        }
        TextInputs inputs = new TextInputs(stdin);
        for (List<Input> chunk = inputs.nextChunk(); !chunk.isEmpty(); chunk = inputs.nextChunk()) {
            handler.handle(chunk);
        }
    }

    private List<Input> nextChunk() throws IOException {
        List<Input> chunk = new ArrayList<>();
        while (chunk.size() < CHUNK && (chunk.isEmpty() || in.ready())) {
            String line = readLine();
            if (line == null) {
                break;
            }
            if (!line.isBlank()) {
                chunk.add(parse(line, lineNumber));
            }
        }
        return chunk;
    }

    /** The next line without its terminator (LF or CRLF), or null at end of input. */
    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        int c = in.read();
        if (c < 0) {
            return null;
        }
        lineNumber++;
        while (c >= 0 && c != '\n') {
            if (line.length() == MAX_LINE) {
                throw new IllegalArgumentException("stdin line " + lineNumber + ": longer than " + MAX_LINE + " characters");
            }
            line.append((char) c);
            c = in.read();
        }
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\r') {
            line.setLength(end - 1);
        }
        return line.toString();
    }

    /**
     * One input from a JSON line: exactly one value, a string or {@code {"text": …, "text_pair": …}},
     * every string well-formed UTF-16.
     */
    static Input parse(String line, int number) {
        JsonNode node;
        try {
            node = StrictJson.readOne(JSON, line.getBytes(StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("stdin line " + number + ": not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalStateException("reading JSON from memory failed", e);
        }
        String surrogate = StrictJson.unpairedSurrogate(node);
        if (surrogate != null) {
            throw new IllegalArgumentException("stdin line " + number + ": " + surrogate);
        }
        if (node.isTextual()) return Input.of(node.asText());
        if (node.isObject()) {
            JsonNode text = node.get("text"), pair = node.get("text_pair");
            if (text == null || !text.isTextual()) {
                throw new IllegalArgumentException("stdin line " + number + ": object needs a string field \"text\"");
            }
            if (pair != null && !pair.isNull() && !pair.isTextual()) {
                throw new IllegalArgumentException("stdin line " + number + ": \"text_pair\" must be a string");
            }
            return Input.of(text.asText(), pair == null || pair.isNull() ? null : pair.asText());
        }
        throw new IllegalArgumentException("stdin line " + number + ": expected a JSON string or {\"text\": …, \"text_pair\": …}");
    }
}
