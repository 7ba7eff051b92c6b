package dev.javelin.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.javelin.io.AtomicFile;
import dev.javelin.io.ContainedPath;
import dev.javelin.io.safetensors.SafeTensors;
import dev.javelin.io.safetensors.SafeTensorsWriter;
import dev.javelin.tensor.Tensor;
import dev.javelin.tokenizers.Encoding;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A linear classification head over a frozen encoder's sentence embeddings (what
 * {@code javelin train-classifier} writes), and its model directory:
 * <ul>
 *   <li>{@code config.json}: {@code model_type} {@value #MODEL_TYPE}, {@code id2label}/{@code label2id}, and
 *       {@code encoder}: {@code model} (a model spec as {@code --model} takes, {@value #DEFAULT_ENCODER}
 *       for the embedded default, or a path starting {@value #BESIDE} that is resolved inside this directory,
 *       so that the directory can be moved or copied whole), {@code pooling}, {@code normalize};</li>
 *   <li>{@code model.safetensors}: {@code classifier.weight} [C, H] and {@code classifier.bias} [C], F32.</li>
 * </ul>
 * Logits are {@code weight · features + bias}, features being the pooled (optionally normalised)
 * last hidden state. Immutable and thread-safe.
 */
public final class EmbeddingClassifier {

    public static final String MODEL_TYPE = "javelin-embedding-classifier";
    /** What the head does: one label per input, softmax over the labels. */
    static final String PROBLEM_TYPE = "single_label_classification";
    /** The encoder reference that means Javelin's embedded default model. */
    public static final String DEFAULT_ENCODER = "default";
    /** How an encoder reference names a directory inside the classifier's own. */
    public static final String BESIDE = "./";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final String encoder;
    private final Pooling pooling;
    private final boolean normalize;
    private final Map<Integer, String> id2label;
    private final float[][] weight;
    private final float[] bias;
    private final Map<String, Object> training;

    /**
     * @param encoder  model spec of the encoder, or {@value #DEFAULT_ENCODER}
     * @param training free-form provenance written under {@code javelin_training} (data, λ, seed, …)
     */
    public EmbeddingClassifier(String encoder, Pooling pooling, boolean normalize, Map<Integer, String> id2label,
                               float[][] weight, float[] bias, Map<String, Object> training) {
        if (weight.length != bias.length || weight.length != id2label.size() || weight.length < 2) {
            throw new IllegalArgumentException("head has " + weight.length + " weight rows, " + bias.length
                    + " biases and " + id2label.size() + " labels; they must agree and be at least 2");
        }
        this.encoder = encoder;
        this.pooling = pooling;
        this.normalize = normalize;
        this.id2label = Map.copyOf(id2label);
        this.weight = weight;
        this.bias = bias;
        this.training = training == null ? Map.of() : new LinkedHashMap<>(training);
    }

    /** True when {@code dir} holds a config.json of this format. */
    public static boolean isEmbeddingClassifier(Path dir) throws IOException {
        Path config = dir.resolve("config.json");
        if (!Files.isRegularFile(config)) return false;
        return MODEL_TYPE.equals(readConfig(config).path("model_type").asText(null));
    }

    public static EmbeddingClassifier load(Path dir) throws IOException {
        Path configFile = dir.resolve("config.json");
        JsonNode config = readConfig(configFile);
        JsonNode enc = config.path("encoder");
        String model = text(configFile, enc, "encoder.model");
        if (model.startsWith(BESIDE)) {
            String inside = model;
            model = ContainedPath.resolve(dir, model.substring(BESIDE.length()))
                    .orElseThrow(() -> new IOException(configFile + ": encoder.model \"" + inside + "\" leads outside " + dir))
                    .toString();
        }
        Pooling pooling;
        try {
            pooling = Pooling.parse(text(configFile, enc, "encoder.pooling"));
        } catch (IllegalArgumentException e) {
            throw new IOException(configFile + ": encoder.pooling: " + e.getMessage());
        }
        boolean normalize = enc.path("normalize").asBoolean(false);
        Map<Integer, String> id2label = new TreeMap<>();
        JsonNode labels = config.path("id2label");
        for (Iterator<Map.Entry<String, JsonNode>> it = labels.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            try {
                id2label.put(Integer.parseInt(e.getKey()), e.getValue().asText());
            } catch (NumberFormatException ex) {
                throw new IOException(configFile + ": id2label key '" + e.getKey() + "' is not an integer");
            }
        }
        for (int i = 0; i < id2label.size(); i++) {
            if (!id2label.containsKey(i)) throw new IOException(configFile + ": id2label must number labels 0.." + (id2label.size() - 1));
        }
        try (SafeTensors tensors = SafeTensors.open(dir.resolve("model.safetensors"))) {
            Tensor w = tensors.tensor("classifier.weight");
            Tensor b = tensors.tensor("classifier.bias");
            int[] ws = w.shape();
            if (ws.length != 2 || ws[0] != id2label.size() || b.shape().length != 1 || b.shape()[0] != ws[0]) {
                throw new IOException(dir.resolve("model.safetensors") + ": classifier.weight " + java.util.Arrays.toString(ws)
                        + " and classifier.bias " + java.util.Arrays.toString(b.shape()) + " do not fit " + id2label.size() + " labels");
            }
            return new EmbeddingClassifier(model, pooling, normalize, id2label, LinearMap.rows(w.toArray(), ws[0], ws[1]), b.toArray(),
                    JSON.convertValue(config.path("javelin_training"), Map.class));
        }
    }

    /** Writes config.json and model.safetensors into {@code dir} (created if needed). */
    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        ObjectNode config = JSON.createObjectNode();
        config.put("model_type", MODEL_TYPE);
        config.putArray("architectures").add("EmbeddingClassifier");
        ObjectNode labels = config.putObject("id2label");
        ObjectNode ids = config.putObject("label2id");
        for (int i = 0; i < id2label.size(); i++) {
            labels.put(Integer.toString(i), id2label.get(i));
            ids.put(id2label.get(i), i);
        }
        config.put("problem_type", PROBLEM_TYPE);
        config.put("hidden_size", weight[0].length);
        ObjectNode enc = config.putObject("encoder");
        enc.put("model", encoder);
        enc.put("pooling", pooling.name().toLowerCase(java.util.Locale.ROOT));
        enc.put("normalize", normalize);
        config.set("javelin_training", JSON.valueToTree(training));
        int classes = weight.length;
        int dim = weight[0].length;
        float[] flat = new float[classes * dim];
        for (int c = 0; c < classes; c++) System.arraycopy(weight[c], 0, flat, c * dim, dim);
        try (Arena arena = Arena.ofConfined()) {
            Map<String, Tensor> tensors = new TreeMap<>();
            tensors.put("classifier.weight", Tensor.of(arena, flat, classes, dim));
            tensors.put("classifier.bias", Tensor.of(arena, bias, classes));
            SafeTensorsWriter.write(dir.resolve("model.safetensors"), tensors, Map.of("format", "pt"));
        }
        AtomicFile.write(dir.resolve("config.json"), JSON.writeValueAsBytes(config));
    }

    /** The head's input for a batch: the encoder's last hidden state pooled as configured, normalised if configured. */
    public float[][] features(Encoder model, List<Encoding> batch) {
        return features(model, batch, pooling, normalize);
    }

    /** Sentence features as this head type consumes them; training computes them the same way. */
    public static float[][] features(Encoder model, List<Encoding> batch, Pooling pooling, boolean normalize) {
        float[][] pooled = model.embed(batch, pooling);
        if (normalize) {
            for (int i = 0; i < pooled.length; i++) pooled[i] = Vectors.normalized(pooled[i]);
        }
        return pooled;
    }

    /** logits[i] = weight · features[i] + bias. */
    public float[][] logits(float[][] features) {
        LinearMap linear = new LinearMap(weight, bias);
        float[][] out = new float[features.length][];
        for (int i = 0; i < features.length; i++) {
            if (features[i].length != linear.in()) {
                throw new IllegalArgumentException("features of width " + features[i].length + " for a head of width " + linear.in());
            }
            out[i] = linear.apply(features[i]);
        }
        return out;
    }

    /** The encoder spec as {@link Encoder#load(String)} takes it: null for the embedded default. */
    public String encoderSpec() {
        return DEFAULT_ENCODER.equals(encoder) ? null : encoder;
    }

    public String encoder() { return encoder; }

    public Pooling pooling() { return pooling; }

    public boolean normalize() { return normalize; }

    public Map<Integer, String> id2label() { return id2label; }

    public int numLabels() { return weight.length; }

    public int hiddenSize() { return weight[0].length; }

    public Map<String, Object> training() { return java.util.Collections.unmodifiableMap(training); }

    private static JsonNode readConfig(Path config) throws IOException {
        try {
            return JSON.readTree(config.toFile());
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException(config + ": not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static String text(Path file, JsonNode parent, String key) throws IOException {
        JsonNode v = parent.path(key.substring(key.indexOf('.') + 1));
        if (!v.isTextual()) throw new IOException(file + ": missing or non-string key " + key);
        return v.asText();
    }
}
