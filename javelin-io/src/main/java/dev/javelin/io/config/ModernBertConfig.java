package dev.javelin.io.config;

import java.util.List;
import java.util.Map;

/**
 * ModernBERT ({@code model_type} {@code modernbert}): pre-norm, rotary positions with one θ for the
 * global layers and another for the local ones, local layers attending within a band of
 * {@code local_attention} tokens, GeGLU, and optionally no biases.
 *
 * @param globalLayers per layer, whether it attends globally (else within the local band)
 * @param classifierPooling how a sequence classifier pools: "cls" (the first token) or "mean"
 */
public record ModernBertConfig(
        Dimensions dims,
        boolean normBias,
        boolean attentionBias,
        boolean mlpBias,
        double globalRopeTheta,
        double localRopeTheta,
        int localAttention,
        List<Boolean> globalLayers,
        int padTokenId,
        String classifierPooling,
        String classifierActivation,
        boolean classifierBias,
        Map<Integer, String> id2label,
        String problemType,
        String json) implements ModelConfig {

    public static final String MODEL_TYPE = "modernbert";

    public ModernBertConfig {
        id2label = Labels.sorted(id2label);
        globalLayers = List.copyOf(globalLayers);
    }

    @Override
    public String modelType() { return MODEL_TYPE; }

    static ModernBertConfig from(ConfigReader r) throws ConfigException {
        Dimensions dims = Dimensions.read(r, Dimensions.MODERN_BERT);
        int layers = dims.numLayers();
        // transformers ≥ 4.57 writes layer_types and rope_parameters; earlier configs the per-kind keys
        List<String> types = r.optionalStrings("layer_types");
        List<Boolean> global = new java.util.ArrayList<>();
        int every = r.optionalInt("global_attn_every_n_layers", 3);
        if (every < 1) throw new ConfigException(r.file(), "global_attn_every_n_layers", "must be at least 1, is " + every);
        for (int i = 0; i < layers; i++) {
            if (types.isEmpty()) {
                global.add(i % every == 0);
            } else if (types.size() != layers) {
                throw new ConfigException(r.file(), "layer_types", types.size() + " entries for " + layers + " layers");
            } else {
                String t = types.get(i);
                if (!t.equals("full_attention") && !t.equals("sliding_attention")) {
                    throw new ConfigException(r.file(), "layer_types", "unknown layer type \"" + t + "\"");
                }
                global.add(t.equals("full_attention"));
            }
        }
        double globalTheta = r.optionalDouble("global_rope_theta", 160000), localTheta = r.optionalDouble("local_rope_theta", 10000);
        var rope = r.optionalObject("rope_parameters");
        if (rope.isPresent()) {
            globalTheta = ropeTheta(rope.get(), "full_attention", globalTheta);
            localTheta = ropeTheta(rope.get(), "sliding_attention", localTheta);
        }
        String pooling = r.optionalString("classifier_pooling").orElse("cls");
        if (!pooling.equals("cls") && !pooling.equals("mean")) {
            throw new ConfigException(r.file(), "classifier_pooling", "\"" + pooling + "\" is neither \"cls\" nor \"mean\"");
        }
        return new ModernBertConfig(dims, r.optionalBoolean("norm_bias", false),
                r.optionalBoolean("attention_bias", false), r.optionalBoolean("mlp_bias", false),
                globalTheta, localTheta, r.optionalInt("local_attention", 128), global, r.optionalInt("pad_token_id", 50283),
                pooling, r.optionalString("classifier_activation").orElse("gelu"), r.optionalBoolean("classifier_bias", false),
                Labels.id2label(r), Labels.problemType(r), r.text());
    }

    private static double ropeTheta(ConfigReader rope, String kind, double fallback) throws ConfigException {
        var p = rope.optionalObject(kind);
        if (p.isEmpty()) return fallback;
        String type = p.get().optionalString("rope_type").orElse("default");
        if (!type.equals("default")) {
            throw new ConfigException(rope.file(), "rope_parameters." + kind + ".rope_type", "\"" + type + "\" is not supported; only \"default\"");
        }
        return p.get().optionalDouble("rope_theta", fallback);
    }

    @Override
    public String toJson() { return json; }
}
