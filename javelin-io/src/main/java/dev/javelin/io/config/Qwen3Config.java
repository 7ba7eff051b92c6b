package dev.javelin.io.config;

import java.util.Map;

/**
 * Qwen3 ({@code model_type} {@code qwen3}: Qwen3-Embedding and Qwen3-Reranker): a pre-norm causal
 * decoder with RMSNorm, grouped-query attention with per-head q/k norms, rotary positions and SwiGLU.
 */
public record Qwen3Config(
        int vocabSize,
        int hiddenSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int numKeyValueHeads,
        int headDim,
        int intermediateSize,
        String hiddenAct,
        int maxPositionEmbeddings,
        double rmsNormEps,
        double ropeTheta,
        boolean attentionBias,
        Map<Integer, String> id2label,
        String problemType,
        String json) implements ModelConfig {

    public static final String MODEL_TYPE = "qwen3";

    public Qwen3Config {
        id2label = Labels.sorted(id2label);
    }

    @Override
    public String modelType() { return MODEL_TYPE; }

    static Qwen3Config from(ConfigReader r) throws ConfigException {
        int hidden = r.requiredPositiveInt("hidden_size");
        int heads = r.requiredPositiveInt("num_attention_heads");
        int kv = r.optionalInt("num_key_value_heads", heads);
        if (kv < 1 || heads % kv != 0) {
            throw new ConfigException(r.file(), "num_key_value_heads", kv + " key/value heads do not divide " + heads + " query heads");
        }
        if (r.optionalBoolean("use_sliding_window", false)) {
            throw new ConfigException(r.file(), "use_sliding_window", "sliding-window Qwen3 layers are not supported");
        }
        if (r.has("rope_scaling")) throw new ConfigException(r.file(), "rope_scaling", "scaled rotary embeddings are not supported");
        int headDim = r.optionalInt("head_dim", hidden / heads);
        return new Qwen3Config(
                r.requiredPositiveInt("vocab_size"), hidden, r.requiredPositiveInt("num_hidden_layers"), heads, kv, headDim,
                r.requiredPositiveInt("intermediate_size"), r.optionalString("hidden_act").orElse("silu"),
                r.optionalInt("max_position_embeddings", 32768), r.optionalDouble("rms_norm_eps", 1e-6),
                r.optionalDouble("rope_theta", 10000), r.optionalBoolean("attention_bias", false),
                Labels.id2label(r), Labels.problemType(r), r.text());
    }

    @Override
    public String toJson() { return json; }
}
