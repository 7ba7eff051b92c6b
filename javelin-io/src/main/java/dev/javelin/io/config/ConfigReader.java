package dev.javelin.io.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Typed, checked access to the keys of one JSON object read from a configuration file. Every
 * failure is a {@link ConfigException} naming the file and the key.
 */
public final class ConfigReader {

    /** Configuration files are a few KB; this bounds what a hostile one can make us read. */
    private static final long MAX_BYTES = 16L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final JsonNode root;

    private ConfigReader(Path file, JsonNode root) {
        this.file = file;
        this.root = root;
    }

    /** Reads {@code file}, which must hold a JSON object. */
    public static ConfigReader read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, "no such configuration file");
        long size = Files.size(file);
        if (size > MAX_BYTES) throw new ConfigException(file, null, size + " bytes is too large for a configuration file");
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            long at = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
            throw new ConfigException(file, null, "invalid JSON" + (at > 0 ? " at line " + at : "") + ": " + e.getOriginalMessage());
        }
        return of(file, root);
    }

    /** Wraps an already parsed value; {@code file} names it in errors. */
    private static ConfigReader of(Path file, JsonNode root) throws ConfigException {
        if (root == null || !root.isObject()) throw new ConfigException(file, null, "not a JSON object");
        return new ConfigReader(file, root);
    }

    public Path file() { return file; }

    /** The object under {@code key}, read with the same file name in errors; empty when absent or null. */
    public Optional<ConfigReader> optionalObject(String key) throws ConfigException {
        if (!has(key)) return Optional.empty();
        JsonNode v = root.get(key);
        if (!v.isObject()) throw new ConfigException(file, key, "expected an object, found " + describe(v));
        return Optional.of(new ConfigReader(file, v));
    }

    /** A list of strings under {@code key}; empty when absent. */
    public java.util.List<String> optionalStrings(String key) throws ConfigException {
        if (!has(key)) return java.util.List.of();
        JsonNode v = root.get(key);
        if (!v.isArray()) throw new ConfigException(file, key, "expected an array, found " + describe(v));
        java.util.List<String> out = new java.util.ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isTextual()) throw new ConfigException(file, key, "expected strings, found " + describe(e));
            out.add(e.asText());
        }
        return java.util.List.copyOf(out);
    }

    /** The whole object as pretty-printed JSON. */
    public String text() {
        return root.toPrettyString();
    }

    public boolean has(String key) {
        JsonNode v = root.get(key);
        return v != null && !v.isNull();
    }

    public int requiredInt(String key) throws ConfigException {
        if (!has(key)) throw new ConfigException(file, key, "missing");
        return intValue(key, root.get(key));
    }

    /** A required integer that must be at least 1 (sizes, counts). */
    public int requiredPositiveInt(String key) throws ConfigException {
        int v = requiredInt(key);
        if (v < 1) throw new ConfigException(file, key, "must be at least 1, is " + v);
        return v;
    }

    public int optionalInt(String key, int fallback) throws ConfigException {
        return has(key) ? intValue(key, root.get(key)) : fallback;
    }

    public double optionalDouble(String key, double fallback) throws ConfigException {
        if (!has(key)) return fallback;
        JsonNode v = root.get(key);
        if (!v.isNumber()) throw new ConfigException(file, key, "expected a number, found " + describe(v));
        return v.doubleValue();
    }

    public String requiredString(String key) throws ConfigException {
        return optionalString(key).orElseThrow(() -> new ConfigException(file, key, "missing"));
    }

    public Optional<String> optionalString(String key) throws ConfigException {
        if (!has(key)) return Optional.empty();
        JsonNode v = root.get(key);
        if (!v.isTextual()) throw new ConfigException(file, key, "expected a string, found " + describe(v));
        return Optional.of(v.asText());
    }

    public boolean optionalBoolean(String key, boolean fallback) throws ConfigException {
        if (!has(key)) return fallback;
        JsonNode v = root.get(key);
        if (!v.isBoolean()) throw new ConfigException(file, key, "expected true or false, found " + describe(v));
        return v.booleanValue();
    }

    /** {@code id2label}-style object: integer keys (as JSON strings) to strings, sorted by id. */
    public Map<Integer, String> optionalIdMap(String key) throws ConfigException {
        Map<Integer, String> out = new TreeMap<>();
        if (!has(key)) return out;
        JsonNode v = root.get(key);
        if (!v.isObject()) throw new ConfigException(file, key, "expected an object, found " + describe(v));
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            int id;
            try {
                id = Integer.parseInt(e.getKey());
            } catch (NumberFormatException ex) {
                throw new ConfigException(file, key, "key \"" + e.getKey() + "\" is not an integer id");
            }
            if (id < 0) throw new ConfigException(file, key, "id " + id + " is negative");
            if (!e.getValue().isTextual()) {
                throw new ConfigException(file, key, "label of id " + id + " is " + describe(e.getValue()) + ", not a string");
            }
            out.put(id, e.getValue().asText());
        }
        return out;
    }

    /** {@code label2id}-style object: strings to integers. */
    public Map<String, Integer> optionalLabelMap(String key) throws ConfigException {
        Map<String, Integer> out = new TreeMap<>();
        if (!has(key)) return out;
        JsonNode v = root.get(key);
        if (!v.isObject()) throw new ConfigException(file, key, "expected an object, found " + describe(v));
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            out.put(e.getKey(), intValue(key + "." + e.getKey(), e.getValue()));
        }
        return out;
    }

    private int intValue(String key, JsonNode v) throws ConfigException {
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new ConfigException(file, key, "expected an integer, found " + describe(v));
        }
        return v.intValue();
    }

    private static String describe(JsonNode v) {
        String text = v.toString();
        return v.getNodeType().name().toLowerCase() + " " + (text.length() > 40 ? text.substring(0, 40) + "…" : text);
    }
}
