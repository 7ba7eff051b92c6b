package dev.javelin.engine;

import java.util.List;

/**
 * What a loaded model is and does, decided once at load, the same for every caller.
 *
 * @param modelId        where it came from (an id, a directory, or the embedded default's id)
 * @param modelType      {@code config.json}'s model_type, e.g. {@code bert}
 * @param kind           TEI's model type
 * @param hiddenSize     width of a pooled embedding
 * @param maxInputLength most tokens one input may have
 * @param pooling        pooling of embeddings (the model's, or the spec's override)
 * @param normalize      whether embeddings are L2-normalised by default
 * @param labels         the head's labels by index, {@code LABEL_i} where the config names none; null without a head
 * @param scoreFunction  how logits become scores by default (Hugging Face's rule, from problem_type); null without a head
 * @param dtype          what the linear weights are held in, in TEI's spelling: float32, float16, bfloat16 or int8
 */
public record ModelInfo(String modelId, String modelType, Kind kind, int hiddenSize, int maxInputLength, Pooling pooling,
                        boolean normalize, List<String> labels, ScoreFunction scoreFunction, String dtype) {

    /** TEI's three model types. */
    public enum Kind {
        /** Sentence embeddings; with a Javelin head trained on them, or a LoRA adapter's classifier beside the encoder, it classifies too. */
        EMBEDDING,
        /** A sequence classifier with several labels. */
        CLASSIFIER,
        /** A sequence classifier with one output: a cross-encoder's relevance score. */
        RERANKER
    }

    public ModelInfo {
        if (hiddenSize < 1 || maxInputLength < 1) throw new IllegalArgumentException("hidden size and max input length must be positive");
        if ((labels == null) != (scoreFunction == null)) throw new IllegalArgumentException("labels and a score function go together");
        if (kind != Kind.EMBEDDING && labels == null) throw new IllegalArgumentException(kind + " needs labels");
        labels = labels == null ? null : List.copyOf(labels);
    }

    /** Whether it gives sentence embeddings (TEI: embedding models only; a checkpoint's classifier does not). */
    public boolean embeds() {
        return kind == Kind.EMBEDDING;
    }

    /** Whether it has a classification head. */
    public boolean predicts() {
        return labels != null;
    }

    /** Whether it ranks texts against a query: a cross-encoder. */
    public boolean reranks() {
        return kind == Kind.RERANKER;
    }

    public int numLabels() {
        return labels == null ? 0 : labels.size();
    }
}
