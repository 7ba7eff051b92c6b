package dev.javelin.io.config;

import java.util.Map;

/**
 * The "new" GTE architecture ({@code model_type} {@code new}: Alibaba-NLP/new-impl, behind
 * gte-*-v1.5 and gte-multilingual): a post-norm BERT with rotary positions, a fused QKV projection
 * and a GeGLU feed-forward.
 *
 * @param ntkFactor the {@code rope_scaling} factor of type {@code ntk}; 1 without scaling
 * @param typeVocabSize 0 when the model has no token type embeddings
 */
public record GteConfig(
        Dimensions dims,
        int typeVocabSize,
        double ropeTheta,
        double ntkFactor,
        Map<Integer, String> id2label,
        String problemType,
        String json) implements ModelConfig {

    public static final String MODEL_TYPE = "new";

    public GteConfig {
        id2label = Labels.sorted(id2label);
    }

    @Override
    public String modelType() { return MODEL_TYPE; }

    static GteConfig from(ConfigReader r) throws ConfigException {
        String positions = r.optionalString("position_embedding_type").orElse("rope");
        if (!positions.equals("rope")) {
            throw new ConfigException(r.file(), "position_embedding_type", "\"" + positions + "\" is not supported; GTE models use \"rope\"");
        }
        String norm = r.optionalString("layer_norm_type").orElse("layer_norm");
        if (!norm.equals("layer_norm")) {
            throw new ConfigException(r.file(), "layer_norm_type", "\"" + norm + "\" is not supported; only \"layer_norm\"");
        }
        if (r.optionalBoolean("logn_attention_scale", false)) {
            throw new ConfigException(r.file(), "logn_attention_scale", "log-n attention scaling is not supported");
        }
        double ntk = 1;
        var scaling = r.optionalObject("rope_scaling");
        if (scaling.isPresent()) {
            ConfigReader s = scaling.get();
            String type = s.requiredString("type");
            if (!type.equals("ntk") || s.has("mixed_b")) {
                throw new ConfigException(r.file(), "rope_scaling", "only fixed NTK scaling ({\"type\": \"ntk\", \"factor\": f}) is supported, got "
                        + type + (s.has("mixed_b") ? " with mixed_b" : ""));
            }
            ntk = s.optionalDouble("factor", 1);
            if (!(ntk >= 1)) throw new ConfigException(r.file(), "rope_scaling.factor", "must be at least 1, is " + ntk);
        }
        return new GteConfig(Dimensions.read(r, Dimensions.BERT), r.optionalInt("type_vocab_size", 0),
                r.optionalDouble("rope_theta", 10000), ntk, Labels.id2label(r), Labels.problemType(r), r.text());
    }

    @Override
    public String toJson() { return json; }
}
