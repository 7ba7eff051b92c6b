package dev.javelin.pipelines;

import java.util.Map;

/**
 * What a loaded model is and does, for servers and tools.
 *
 * @param id2label null for embedding models
 */
public record ModelInfo(String modelId, String modelType, int hiddenSize, int maxInputLength, Pooling pooling,
                        boolean normalize, Map<Integer, String> id2label, int numLabels, Kind kind) {

    public enum Kind {
        /** A bare encoder: sentence embeddings. */
        EMBEDDING,
        /** A sequence classifier with several labels. */
        CLASSIFIER,
        /** A sequence classifier with one output: a cross-encoder relevance score. */
        RERANKER
    }

    /** The name of label {@code i}: from id2label, else Hugging Face's default LABEL_i. */
    public String label(int i) {
        String name = id2label == null ? null : id2label.get(i);
        return name != null ? name : "LABEL_" + i;
    }
}
