package dev.javelin.io.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * BERT-family encoder configuration: {@code bert}, and the RoBERTa family ({@code roberta},
 * {@code xlm-roberta}, {@code camembert}), which share BERT's keys but default
 * {@code pad_token_id} to 1 (RoBERTa numbers positions from {@code pad_token_id + 1}).
 */
public record BertConfig(
        String modelType,
        int vocabSize,
        int hiddenSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int intermediateSize,
        String hiddenAct,
        int maxPositionEmbeddings,
        int typeVocabSize,
        double layerNormEps,
        int padTokenId,
        Map<Integer, String> id2label,
        String problemType,
        Map<String, Integer> label2id,
        String positionEmbeddingType) implements ModelConfig {

    public static final List<String> MODEL_TYPES = List.of("bert", "roberta", "xlm-roberta", "camembert");

    public BertConfig {
        Objects.requireNonNull(modelType, "modelType");
        id2label = Labels.sorted(id2label);
        label2id = Labels.sorted(label2id);
    }

    /** A config with absolute position embeddings and {@code label2id} the inverse of {@code id2label}. */
    public BertConfig(String modelType, int vocabSize, int hiddenSize, int numHiddenLayers, int numAttentionHeads,
                      int intermediateSize, String hiddenAct, int maxPositionEmbeddings, int typeVocabSize,
                      double layerNormEps, int padTokenId, Map<Integer, String> id2label, String problemType) {
        this(modelType, vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize, hiddenAct,
                maxPositionEmbeddings, typeVocabSize, layerNormEps, padTokenId, id2label, problemType,
                Labels.inverse(id2label), "absolute");
    }

    /** Whether positions start after the padding id, as in RoBERTa and its descendants. */
    public boolean robertaPositions() {
        return !modelType.equals("bert");
    }

    public int headSize() {
        return hiddenSize / numAttentionHeads;
    }

    static BertConfig from(ConfigReader r, String type) throws ConfigException {
        int hidden = r.requiredPositiveInt("hidden_size");
        int heads = r.requiredPositiveInt("num_attention_heads");
        if (hidden % heads != 0) {
            throw new ConfigException(r.file(), "num_attention_heads", heads + " heads do not divide hidden_size " + hidden);
        }
        return new BertConfig(
                type,
                r.requiredPositiveInt("vocab_size"),
                hidden,
                r.requiredPositiveInt("num_hidden_layers"),
                heads,
                r.requiredPositiveInt("intermediate_size"),
                r.optionalString("hidden_act").orElse("gelu"),
                r.requiredPositiveInt("max_position_embeddings"),
                r.optionalInt("type_vocab_size", 2),
                r.optionalDouble("layer_norm_eps", 1e-12),
                r.optionalInt("pad_token_id", type.equals("bert") ? 0 : 1),
                Labels.id2label(r),
                Labels.problemType(r),
                Labels.label2id(r),
                r.optionalString("position_embedding_type").orElse("absolute"));
    }

    @Override
    public String toJson() {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("model_type", modelType);
        o.put("vocab_size", vocabSize);
        o.put("hidden_size", hiddenSize);
        o.put("num_hidden_layers", numHiddenLayers);
        o.put("num_attention_heads", numAttentionHeads);
        o.put("intermediate_size", intermediateSize);
        o.put("hidden_act", hiddenAct);
        o.put("max_position_embeddings", maxPositionEmbeddings);
        o.put("type_vocab_size", typeVocabSize);
        o.put("layer_norm_eps", layerNormEps);
        o.put("pad_token_id", padTokenId);
        o.put("position_embedding_type", positionEmbeddingType);
        return Labels.toJson(o, id2label, label2id, problemType);
    }

}
