package dev.javelin.pipelines;

import dev.javelin.tokenizers.Encoding;
import java.io.IOException;
import java.util.List;

/**
 * Entry points as short as Python's {@code pipeline(...)}. {@code model} is a local Hugging Face
 * directory or a Hub id; null means the embedded default (all-MiniLM-L6-v2). Pipelines are
 * thread-safe and batch-first; close them to unmap the weights.
 */
public final class Pipelines {
    private Pipelines() {}

    public static EmbeddingsPipeline embeddings(String model) throws IOException {
        return new EmbeddingsPipeline(Encoder.load(model));
    }

    /** {@code model} null means the built-in sentiment model (NEGATIVE/POSITIVE, see {@link EmbeddingClassifier#defaultSentiment()}). */
    public static TextClassificationPipeline textClassification(String model) throws IOException {
        return new TextClassificationPipeline(model == null
                ? Encoder.load(EmbeddingClassifier.defaultSentiment(), EmbeddingClassifier.DEFAULT_SENTIMENT_ID)
                : Encoder.load(model));
    }

    public static RerankPipeline rerank(String model) throws IOException {
        return new RerankPipeline(Encoder.load(model));
    }

    /** Tokenizes inputs (pairs as pairs) with the encoder's truncating, non-padding tokenizer. */
    static List<Encoding> encode(Encoder encoder, List<TextInput> inputs) {
        return inputs.stream()
                .map(i -> i.textPair() == null ? encoder.tokenizer().encode(i.text()) : encoder.tokenizer().encode(i.text(), i.textPair()))
                .toList();
    }
}
