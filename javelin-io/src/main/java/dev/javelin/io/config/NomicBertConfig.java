package dev.javelin.io.config;

import java.util.Map;

/**
 * NomicBERT ({@code model_type} {@code nomic_bert}: nomic-embed-text), under GPT-2-style key names:
 * a post-norm BERT with rotary positions, a fused QKV projection and a SwiGLU feed-forward.
 */
public record NomicBertConfig(
        Dimensions dims,
        int typeVocabSize,
        double rotaryEmbBase,
        boolean qkvProjBias,
        boolean mlpFc1Bias,
        boolean mlpFc2Bias,
        Map<Integer, String> id2label,
        String problemType,
        String json) implements ModelConfig {

    public static final String MODEL_TYPE = "nomic_bert";

    public NomicBertConfig {
        id2label = Labels.sorted(id2label);
    }

    @Override
    public String modelType() { return MODEL_TYPE; }

    static NomicBertConfig from(ConfigReader r) throws ConfigException {
        if (r.optionalBoolean("prenorm", false)) throw new ConfigException(r.file(), "prenorm", "pre-norm NomicBERT is not supported");
        if (r.optionalBoolean("causal", false)) throw new ConfigException(r.file(), "causal", "causal NomicBERT is not supported");
        if (r.optionalDouble("rotary_emb_fraction", 1.0) != 1.0) {
            throw new ConfigException(r.file(), "rotary_emb_fraction", "only 1.0 (rotary positions on the whole head) is supported");
        }
        if (r.optionalBoolean("rotary_emb_interleaved", false)) {
            throw new ConfigException(r.file(), "rotary_emb_interleaved", "interleaved (GPT-J) rotary positions are not supported");
        }
        if (r.has("rotary_emb_scale_base") || r.has("rotary_scaling_factor")) {
            throw new ConfigException(r.file(), r.has("rotary_emb_scale_base") ? "rotary_emb_scale_base" : "rotary_scaling_factor",
                    "scaled rotary embeddings are not supported");
        }
        return new NomicBertConfig(Dimensions.read(r, Dimensions.GPT2), r.optionalInt("type_vocab_size", 2),
                r.optionalDouble("rotary_emb_base", 10000), r.optionalBoolean("qkv_proj_bias", true),
                r.optionalBoolean("mlp_fc1_bias", true), r.optionalBoolean("mlp_fc2_bias", true), Labels.id2label(r), Labels.problemType(r), r.text());
    }

    @Override
    public String toJson() { return json; }
}
