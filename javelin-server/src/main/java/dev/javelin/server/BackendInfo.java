package dev.javelin.server;

import java.util.Map;

/**
 * What the served model is and can do, as {@code /info} reports it and the routes check it.
 *
 * @param modelId        where the model came from (an id, a directory, or the embedded default)
 * @param modelType      {@code config.json}'s model_type, e.g. {@code bert}
 * @param kind           TEI's model type: an embedding model, a classifier, or a reranker
 * @param hiddenSize     width of the pooled embedding
 * @param maxInputLength most tokens one input may have
 * @param pooling        pooling of {@code /embed} (e.g. {@code mean}); null if the model does not embed
 * @param id2label       labels of the classification head by index; null if it has none
 */
public record BackendInfo(String modelId, String modelType, Kind kind, int hiddenSize, int maxInputLength,
                          String pooling, Map<Integer, String> id2label) {

    /** TEI's three model types. */
    public enum Kind { EMBEDDING, CLASSIFIER, RERANKER }

    public BackendInfo {
        if (kind == Kind.EMBEDDING && pooling == null) {
            throw new IllegalArgumentException("an embedding model needs a pooling");
        }
        if (kind != Kind.EMBEDDING && (id2label == null || id2label.isEmpty())) {
            throw new IllegalArgumentException(kind + " needs id2label");
        }
        if (hiddenSize < 1 || maxInputLength < 1) {
            throw new IllegalArgumentException("hidden size and max input length must be positive");
        }
        id2label = id2label == null ? null : Map.copyOf(id2label);
    }

    /** Whether /embed, /embed_all, /similarity and /v1/embeddings are served (TEI: embedding models only). */
    public boolean embeds() {
        return kind == Kind.EMBEDDING;
    }

    /** Whether /predict is served: any model with a classification head. */
    public boolean predicts() {
        return id2label != null && !id2label.isEmpty();
    }

    /** Whether /rerank is served (TEI: a classifier with a single label). */
    public boolean reranks() {
        return kind == Kind.RERANKER;
    }
}
