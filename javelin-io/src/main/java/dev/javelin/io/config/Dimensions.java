package dev.javelin.io.config;

/**
 * The sizes every encoder config gives, whatever its family calls them: BERT's {@code hidden_size},
 * {@code num_hidden_layers}… or GPT-2's {@code n_embd}, {@code n_layer}…
 *
 * @param maxPositions the longest sequence the model takes
 * @param normEps the epsilon of its layer norms
 */
public record Dimensions(
        int vocabSize,
        int hiddenSize,
        int numLayers,
        int numHeads,
        int intermediateSize,
        int maxPositions,
        double normEps) {

    public int headSize() { return hiddenSize / numHeads; }

    /**
     * One family's key names, with the defaults {@code transformers} gives the optional ones; a
     * {@code positionsDefault} of 0 makes the maximum position a required key. {@code activation}
     * names the one activation the family's models use (also its default): Javelin runs no other.
     */
    record Keys(String hidden, String layers, String heads, String inner, String activationKey, String activation,
                String positions, int positionsDefault, String eps, double epsDefault) {}

    static final Keys BERT = new Keys("hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size",
            "hidden_act", "gelu", "max_position_embeddings", 0, "layer_norm_eps", 1e-12);

    static final Keys GPT2 = new Keys("n_embd", "n_layer", "n_head", "n_inner",
            "activation_function", "swiglu", "n_positions", 2048, "layer_norm_epsilon", 1e-12);

    static final Keys MODERN_BERT = new Keys("hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size",
            "hidden_activation", "gelu", "max_position_embeddings", 8192, "norm_eps", 1e-5);

    /** Reads the sizes under {@code keys}; the head count must divide the hidden size. */
    static Dimensions read(ConfigReader r, Keys keys) throws ConfigException {
        String activation = r.optionalString(keys.activationKey()).orElse(keys.activation());
        if (!activation.equals(keys.activation())) {
            throw new ConfigException(r.file(), keys.activationKey(), "\"" + activation + "\" is not supported; only \""
                    + keys.activation() + "\"");
        }
        int hidden = r.requiredPositiveInt(keys.hidden());
        int heads = ModelConfigs.heads(r, keys.heads(), hidden);
        int positions = keys.positionsDefault() == 0 ? r.requiredPositiveInt(keys.positions())
                : r.optionalInt(keys.positions(), keys.positionsDefault());
        if (positions < 1) throw new ConfigException(r.file(), keys.positions(), "must be positive, is " + positions);
        return new Dimensions(r.requiredPositiveInt("vocab_size"), hidden, r.requiredPositiveInt(keys.layers()), heads,
                r.requiredPositiveInt(keys.inner()), positions, r.optionalDouble(keys.eps(), keys.epsDefault()));
    }
}
