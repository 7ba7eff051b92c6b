package dev.javelin.io.config;

import java.util.Map;

/** MPNet ({@code model_type} {@code mpnet}): BERT's keys plus the relative-position buckets. */
public record MPNetConfig(
        Dimensions dims,
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
        return new MPNetConfig(Dimensions.read(r, Dimensions.BERT),
                r.optionalInt("relative_attention_num_buckets", 32), r.optionalInt("pad_token_id", 1),
                Labels.id2label(r), Labels.problemType(r), r.text());
    }

    @Override
    public String toJson() { return json; }
}
