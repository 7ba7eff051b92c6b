package dev.javelin.io.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/** TEMPORARY stand-in for javelin-io's ModelConfig (CONTRACTS.md) until it lands on main; removed then. */
public sealed interface ModelConfig permits BertConfig, DistilBertConfig {
    String modelType();

    Map<Integer, String> id2label();

    static ModelConfig load(Path file) throws IOException {
        JsonNode n = new ObjectMapper().readTree(file.toFile());
        String type = n.path("model_type").asText("");
        Map<Integer, String> labels = new TreeMap<>();
        n.path("id2label").properties().forEach(e -> labels.put(Integer.parseInt(e.getKey()), e.getValue().asText()));
        String problem = n.hasNonNull("problem_type") ? n.get("problem_type").asText() : null;
        return switch (type) {
            case "bert", "roberta", "xlm-roberta" -> new BertConfig(type, n.get("vocab_size").asInt(), n.get("hidden_size").asInt(),
                    n.get("num_hidden_layers").asInt(), n.get("num_attention_heads").asInt(), n.get("intermediate_size").asInt(),
                    n.path("hidden_act").asText("gelu"), n.get("max_position_embeddings").asInt(), n.path("type_vocab_size").asInt(2),
                    n.path("layer_norm_eps").asDouble(1e-12), n.path("pad_token_id").asInt(0), labels, problem);
            case "distilbert" -> new DistilBertConfig(n.get("vocab_size").asInt(), n.get("dim").asInt(), n.get("n_layers").asInt(),
                    n.get("n_heads").asInt(), n.get("hidden_dim").asInt(), n.path("activation").asText("gelu"),
                    n.get("max_position_embeddings").asInt(), n.path("pad_token_id").asInt(0), labels, problem);
            default -> throw new ConfigException(file + ": unknown model_type " + type);
        };
    }
}
