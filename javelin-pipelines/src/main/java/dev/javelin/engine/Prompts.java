package dev.javelin.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A sentence-transformers model's instruction prompts ({@code config_sentence_transformers.json}):
 * text put before an input to embed, by name ({@code "query": "query: "} for e5, an instruction for
 * Qwen3-Embedding), and the one used when a caller names none ({@code default_prompt_name}).
 *
 * @param byName      prompt texts by name; empty when the model has none
 * @param defaultName the prompt applied when none is named; null: none
 * @param pooled      whether the prompt's tokens count in mean and max pooling: the Pooling module's
 *                    {@code include_prompt} (true unless it says false)
 */
public record Prompts(Map<String, String> byName, String defaultName, boolean pooled) {
    public static final String FILE = "config_sentence_transformers.json";
    public static final Prompts NONE = new Prompts(Map.of(), null, true);

    public Prompts {
        byName = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byName)); // in the file's order, for messages
        if (defaultName != null && !byName.containsKey(defaultName)) {
            throw new IllegalArgumentException("default_prompt_name '" + defaultName + "' is not one of the prompts " + byName.keySet());
        }
    }

    /** The prompts of the model directory {@code dir}; {@link #NONE} without the file. */
    public static Prompts load(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) return NONE;
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException(file + ": not valid JSON: " + e.getOriginalMessage());
        }
        Map<String, String> byName = new LinkedHashMap<>();
        JsonNode prompts = root == null ? null : root.get("prompts");
        if (prompts != null && !prompts.isNull()) {
            if (!prompts.isObject()) throw new IOException(file + ": prompts must be an object of name to text");
            for (Iterator<Map.Entry<String, JsonNode>> it = prompts.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isTextual()) throw new IOException(file + ": prompt '" + e.getKey() + "' is not a string");
                byName.put(e.getKey(), e.getValue().asText());
            }
        }
        JsonNode defaultName = root == null ? null : root.get("default_prompt_name");
        try {
            return new Prompts(byName, defaultName == null || defaultName.isNull() ? null : defaultName.asText(), true);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage());
        }
    }

    /** These prompts, their tokens pooled or not ({@code include_prompt}). */
    public Prompts pooled(boolean includePrompt) {
        return new Prompts(byName, defaultName, includePrompt);
    }

    /**
     * The text to put before each input: the named prompt, or the default one when {@code name} is null
     * (sentence-transformers' rule); null for no prompt.
     *
     * @throws InputException naming the prompts there are, when {@code name} is not one of them
     */
    public String text(String name) {
        if (name == null) return defaultName == null ? null : byName.get(defaultName);
        String text = byName.get(name);
        if (text == null) {
            throw InputException.invalid("`prompt_name` '" + name + "' is not one of the model's prompts "
                    + (byName.isEmpty() ? "(it has none)" : byName.keySet().toString()));
        }
        return text;
    }
}
