package dev.javelin.io.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.javelin.io.ContainedPath;
import dev.javelin.io.config.ConfigException;
import dev.javelin.io.config.ConfigReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How a sentence-transformers model turns token states into one embedding: the Pooling module's
 * {@code config.json} (usually {@code 1_Pooling/}), the Dense modules after it (usually
 * {@code 2_Dense/}), and whether {@code modules.json} ends with a Normalize module.
 *
 * @param mode                   which tokens are pooled, and how
 * @param normalize              whether embeddings are L2-normalised after pooling
 * @param wordEmbeddingDimension the hidden size the pooling module expects
 * @param includePrompt          whether prompt tokens count in the pooling (sentence-transformers' include_prompt)
 * @param denseDirs              the directories of the Dense modules applied after pooling, in order
 */
public record PoolingConfig(Mode mode, boolean normalize, int wordEmbeddingDimension, boolean includePrompt, List<Path> denseDirs) {

    public PoolingConfig {
        denseDirs = List.copyOf(denseDirs);
    }

    /** Without Dense modules. */
    public PoolingConfig(Mode mode, boolean normalize, int wordEmbeddingDimension, boolean includePrompt) {
        this(mode, normalize, wordEmbeddingDimension, includePrompt, List.of());
    }

    public enum Mode { CLS, MEAN, MAX, LAST_TOKEN }

    public static final String MODULES_FILE = "modules.json";
    static final String DEFAULT_POOLING_DIR = "1_Pooling";

    private static final String TYPE_PREFIX = "sentence_transformers.models.";
    private static final String TRANSFORMER = TYPE_PREFIX + "Transformer";
    private static final String POOLING = TYPE_PREFIX + "Pooling";
    private static final String NORMALIZE = TYPE_PREFIX + "Normalize";
    private static final String DENSE = TYPE_PREFIX + "Dense";

    /**
     * Reads the pooling set-up of {@code modelDir}, or returns null when it has neither
     * {@code modules.json} nor {@code 1_Pooling/config.json} (a plain transformers model).
     *
     * @throws ConfigException for a module Javelin cannot run, modules out of sentence-transformers'
     *                         order, a pooling mode it does not implement, or malformed files — naming the file and key
     */
    public static PoolingConfig load(Path modelDir) throws IOException {
        Path modules = modelDir.resolve(MODULES_FILE);
        if (!Files.isRegularFile(modules)) {
            Path pooling = modelDir.resolve(DEFAULT_POOLING_DIR).resolve("config.json");
            return Files.isRegularFile(pooling) ? pooling(ConfigReader.read(pooling), false, List.of()) : null;
        }
        Path poolingDir = null;
        boolean normalize = false;
        List<Path> dense = new ArrayList<>();
        for (JsonNode module : modules(modules)) {
            String type = text(modules, module, "type");
            switch (type) {
                case TRANSFORMER -> { }
                case POOLING -> poolingDir = inside(modules, modelDir, text(modules, module, "path"));
                case DENSE -> {
                    // Dense maps the pooled vector: it belongs between Pooling and Normalize
                    if (poolingDir == null || normalize) {
                        throw new ConfigException(modules, "type", "a Dense module must come after Pooling and before Normalize");
                    }
                    dense.add(inside(modules, modelDir, text(modules, module, "path")));
                }
                case NORMALIZE -> normalize = true;
                default -> throw new ConfigException(modules, "type", "module " + type
                        + " is not supported; Javelin runs Transformer, Pooling, Dense and Normalize modules");
            }
        }
        if (poolingDir == null) throw new ConfigException(modules, "type", "no " + POOLING + " module");
        return pooling(ConfigReader.read(poolingDir.resolve("config.json")), normalize, dense);
    }

    private static PoolingConfig pooling(ConfigReader r, boolean normalize, List<Path> dense) throws ConfigException {
        for (String unsupported : List.of("pooling_mode_mean_sqrt_len_tokens", "pooling_mode_weightedmean_tokens")) {
            if (r.optionalBoolean(unsupported, false)) {
                throw new ConfigException(r.file(), unsupported, "this pooling mode is not supported");
            }
        }
        List<Mode> modes = new ArrayList<>();
        if (r.optionalBoolean("pooling_mode_cls_token", false)) modes.add(Mode.CLS);
        if (r.optionalBoolean("pooling_mode_mean_tokens", false)) modes.add(Mode.MEAN);
        if (r.optionalBoolean("pooling_mode_max_tokens", false)) modes.add(Mode.MAX);
        if (r.optionalBoolean("pooling_mode_lasttoken", false)) modes.add(Mode.LAST_TOKEN);
        if (modes.size() != 1) {
            throw new ConfigException(r.file(), "pooling_mode_*", modes.isEmpty() ? "no pooling mode is enabled"
                    : "several pooling modes " + modes + " (concatenated embeddings) are not supported");
        }
        return new PoolingConfig(modes.getFirst(), normalize, r.requiredPositiveInt("word_embedding_dimension"),
                r.optionalBoolean("include_prompt", true), dense);
    }

    private static List<JsonNode> modules(Path file) throws IOException {
        long size = Files.size(file);
        if (size > 1 << 20) throw new ConfigException(file, null, size + " bytes is too large for modules.json");
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ConfigException(file, null, "invalid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isArray()) throw new ConfigException(file, null, "not a JSON array of modules");
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode m : root) {
            if (!m.isObject()) throw new ConfigException(file, null, "module entry " + m + " is not an object");
            out.add(m);
        }
        return out;
    }

    private static String text(Path file, JsonNode module, String key) throws ConfigException {
        JsonNode v = module.get(key);
        if (v == null || !v.isTextual()) throw new ConfigException(file, key, "missing or not a string in module " + module);
        return v.asText();
    }

    /** Module paths come from the file; they must not lead outside the model directory. */
    private static Path inside(Path file, Path modelDir, String relative) throws ConfigException {
        return ContainedPath.resolve(modelDir, relative).orElseThrow(() ->
                new ConfigException(file, "path", "\"" + relative + "\" is not a directory inside " + modelDir));
    }
}
