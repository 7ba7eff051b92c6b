package dev.javelin.io.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** DistilBERT configuration ({@code model_type} {@code distilbert}), under its own key names. */
public record DistilBertConfig(
        int vocabSize,
        int dim,
        int nLayers,
        int nHeads,
        int hiddenDim,
        String activation,
        int maxPositionEmbeddings,
        int padTokenId,
        Map<Integer, String> id2label,
        String problemType,
        Map<String, Integer> label2id,
        boolean sinusoidalPosEmbds) implements ModelConfig {

    public static final String MODEL_TYPE = "distilbert";
    /** DistilBERT's layer norms use a fixed epsilon; the config has no key for it. */
    public static final double LAYER_NORM_EPS = 1e-12;

    public DistilBertConfig {
        id2label = Labels.sorted(id2label);
        label2id = Labels.sorted(label2id);
    }

    @Override
    public String modelType() { return MODEL_TYPE; }

    static DistilBertConfig from(ConfigReader r) throws ConfigException {
        int dim = r.requiredPositiveInt("dim");
        int heads = r.requiredPositiveInt("n_heads");
        if (dim % heads != 0) throw new ConfigException(r.file(), "n_heads", heads + " heads do not divide dim " + dim);
        return new DistilBertConfig(
                r.requiredPositiveInt("vocab_size"),
                dim,
                r.requiredPositiveInt("n_layers"),
                heads,
                r.requiredPositiveInt("hidden_dim"),
                r.optionalString("activation").orElse("gelu"),
                r.requiredPositiveInt("max_position_embeddings"),
                r.optionalInt("pad_token_id", 0),
                Labels.id2label(r),
                Labels.problemType(r),
                Labels.label2id(r),
                r.optionalBoolean("sinusoidal_pos_embds", false));
    }

    @Override
    public String toJson() {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("model_type", MODEL_TYPE);
        o.put("vocab_size", vocabSize);
        o.put("dim", dim);
        o.put("n_layers", nLayers);
        o.put("n_heads", nHeads);
        o.put("hidden_dim", hiddenDim);
        o.put("activation", activation);
        o.put("max_position_embeddings", maxPositionEmbeddings);
        o.put("pad_token_id", padTokenId);
        o.put("sinusoidal_pos_embds", sinusoidalPosEmbds);
        return Labels.toJson(o, id2label, label2id, problemType);
    }
}
