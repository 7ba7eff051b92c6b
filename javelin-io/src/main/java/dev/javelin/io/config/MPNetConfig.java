package dev.javelin.io.config;

import java.util.Map;

/** MPNet ({@code model_type} {@code mpnet}): BERT's keys plus the relative-position buckets. */
public record MPNetConfig(
        int vocabSize,
        int hiddenSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int intermediateSize,
        String hiddenAct,
        int maxPositionEmbeddings,
        double layerNormEps,
        int relativeAttentionNumBuckets,
        int padTokenId,
        Map<Integer, String> id2label,
        String problemType,
        String json) implements ModelConfig {

    public static final String MODEL_TYPE = "mpnet";

    public MPNetConfig {
        id2label = Labels.sorted(id2label);
    }

    @Override
    public String modelType() { return MODEL_TYPE; }

    static MPNetConfig from(ConfigReader r) throws ConfigException {
        int hidden = r.requiredPositiveInt("hidden_size");
        int heads = ModelConfigs.heads(r, "num_attention_heads", hidden);
        return new MPNetConfig(
                r.requiredPositiveInt("vocab_size"), hidden, r.requiredPositiveInt("num_hidden_layers"), heads,
                r.requiredPositiveInt("intermediate_size"), r.optionalString("hidden_act").orElse("gelu"),
                r.requiredPositiveInt("max_position_embeddings"), r.optionalDouble("layer_norm_eps", 1e-12),
                r.optionalInt("relative_attention_num_buckets", 32), r.optionalInt("pad_token_id", 1),
                Labels.id2label(r), Labels.problemType(r), r.text());
    }

    @Override
    public String toJson() { return json; }
}
