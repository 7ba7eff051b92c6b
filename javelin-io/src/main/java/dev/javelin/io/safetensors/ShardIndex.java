package dev.javelin.io.safetensors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.javelin.io.ContainedPath;
import dev.javelin.io.safetensors.SafetensorsException.Rule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A {@code model.safetensors.index.json}: which shard file holds each tensor, plus free-form
 * metadata (typically {@code total_size}).
 *
 * @param file      the index file
 * @param metadata  the index's {@code metadata} object, values as text
 * @param weightMap tensor name → shard file, resolved against the index's directory
 */
record ShardIndex(Path file, Map<String, String> metadata, Map<String, Path> weightMap) {

    /** Indexes are a few hundred KB even for the largest models; anything far beyond is not one. */
    private static final long MAX_INDEX_BYTES = 100_000_000L;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    ShardIndex {
        metadata = Collections.unmodifiableMap(metadata);
        weightMap = Collections.unmodifiableMap(weightMap);
    }

    static ShardIndex load(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_INDEX_BYTES) {
            throw new SafetensorsException(file, null, Rule.INDEX_INVALID, "index is " + size + " bytes, over the 100 MB limit");
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            Rule rule = e.getOriginalMessage().startsWith("Duplicate field") ? Rule.DUPLICATE_NAME : Rule.INDEX_INVALID;
            throw new SafetensorsException(file, null, rule, "invalid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new SafetensorsException(file, null, Rule.INDEX_INVALID, "index is not a JSON object");
        }
        JsonNode map = root.get("weight_map");
        if (map == null || !map.isObject()) {
            throw new SafetensorsException(file, null, Rule.INDEX_INVALID, "index has no weight_map object");
        }
        Path dir = file.toAbsolutePath().normalize().getParent();
        Map<String, Path> weightMap = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : map.properties()) {
            if (!e.getValue().isTextual()) {
                throw new SafetensorsException(file, e.getKey(), Rule.INDEX_INVALID, "weight_map value is not a file name");
            }
            weightMap.put(e.getKey(), shardPath(file, dir, e.getKey(), e.getValue().asText()));
        }
        Map<String, String> metadata = new TreeMap<>();
        JsonNode meta = root.get("metadata");
        if (meta != null && !meta.isNull()) {
            if (!meta.isObject()) {
                throw new SafetensorsException(file, null, Rule.INDEX_INVALID, "metadata is not an object");
            }
            for (Map.Entry<String, JsonNode> e : meta.properties()) {
                metadata.put(e.getKey(), e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString());
            }
        }
        return new ShardIndex(file, metadata, weightMap);
    }

    /** The distinct shard files, in name order. */
    TreeSet<Path> shards() {
        return new TreeSet<>(weightMap.values());
    }

    /** A hostile index must not point Javelin at files outside its own directory. */
    private static Path shardPath(Path file, Path dir, String tensor, String name) throws SafetensorsException {
        return ContainedPath.resolve(dir, name).orElseThrow(() -> new SafetensorsException(file, tensor,
                Rule.INDEX_SHARD_PATH, "shard \"" + SafetensorsException.printable(name, 100) + "\" is not a file inside " + dir));
    }
}
