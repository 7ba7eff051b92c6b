package dev.javelin.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.javelin.engine.Input;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Inputs of {@code embed}, {@code classify} and {@code rerank}: the texts given as arguments, or —
 * with none — JSON lines on stdin, each a string or {@code {"text": …, "text_pair": …}}.
 */
final class TextInputs {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TextInputs() {}

    static List<Input> read(List<String> args, InputStream stdin) throws IOException {
        if (args != null && !args.isEmpty()) return args.stream().map(Input::of).toList();
        List<Input> out = new ArrayList<>();
        BufferedReader in = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
        String line;
        int number = 0;
        while ((line = in.readLine()) != null) {
            number++;
            if (line.isBlank()) continue;
            out.add(parse(line, number));
        }
        return out;
    }

    private static Input parse(String line, int number) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("stdin line " + number + ": not JSON: " + e.getOriginalMessage());
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
