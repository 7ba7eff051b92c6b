package dev.javelin.server.http;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON input read strictly: one value per document (anything after it but white space is an error),
 * and no string holding half of a UTF-16 surrogate pair (JSON allows the escape {@code \ud800} alone,
 * but it names no character: a tokenizer would split it or merge it with its neighbour, and a UTF-8
 * writer would pair it with the next character).
 */
public final class StrictJson {
    private StrictJson() {
    }

    /**
     * Reads exactly one JSON value from {@code json}.
     *
     * @throws JsonProcessingException when it is not JSON or something but white space follows the value
     *                                 (its original message says which)
     */
    public static JsonNode readOne(ObjectMapper mapper, byte[] json) throws IOException {
        try (JsonParser parser = mapper.createParser(json)) {
            JsonNode node = mapper.readTree(parser);
            if (parser.nextToken() != null) {
                throw new JsonParseException(parser, "data after the JSON value; a body holds exactly one value");
            }
            return node;
        }
    }

    /**
     * The first problem with the strings (values and field names) of {@code node}, or null when every
     * one is well-formed UTF-16.
     */
    public static String unpairedSurrogate(JsonNode node) {
        if (node.isTextual()) {
            return unpairedSurrogate(node.textValue());
        }
        if (node.isArray()) {
            for (JsonNode element : node) {
                String problem = unpairedSurrogate(element);
                if (problem != null) {
                    return problem;
                }
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String problem = unpairedSurrogate(field.getKey());
                if (problem == null) {
                    problem = unpairedSurrogate(field.getValue());
                }
                if (problem != null) {
                    return problem;
                }
            }
        }
        return null;
    }

    private static String unpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return String.format("a string holds an unpaired UTF-16 surrogate \\u%04x at index %d;"
                        + " it is not a character (JSON \\u escapes must pair a high with a low surrogate)", (int) c, i);
            }
        }
        return null;
    }
}
