package dev.javelin.server;

import dev.javelin.io.source.ModelSource;
import dev.javelin.pipelines.BundledModel;
import dev.javelin.pipelines.EmbeddingClassifier;
import dev.javelin.pipelines.Encoder;
import dev.javelin.pipelines.ModelInfo;
import dev.javelin.pipelines.Pooling;
import dev.javelin.tokenizers.Encoding;
import dev.javelin.tokenizers.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The production backend: a Javelin {@link Encoder} (packed batches, kernels' compute pool). */
public final class EncoderBackend implements Backend {
    private final Encoder encoder;
    private final Pooling pooling;
    private final BackendInfo info;

    /**
     * @param embeddingModel whether the model embeds (TEI's embedding type) even though it has a head:
     *                       a classifier trained on its embeddings still serves /embed
     */
    public EncoderBackend(Encoder encoder, String poolingOverride, boolean embeddingModel) {
        this.encoder = encoder;
        ModelInfo model = encoder.info();
        this.pooling = poolingOverride != null ? Pooling.parse(poolingOverride) : model.pooling();
        BackendInfo.Kind kind = embeddingModel ? BackendInfo.Kind.EMBEDDING : switch (model.kind()) {
            case EMBEDDING -> BackendInfo.Kind.EMBEDDING;
            case CLASSIFIER -> BackendInfo.Kind.CLASSIFIER;
            case RERANKER -> BackendInfo.Kind.RERANKER;
        };
        this.info = new BackendInfo(model.modelId(), model.modelType(), kind, model.hiddenSize(), model.maxInputLength(),
                pooling.name().toLowerCase(Locale.ROOT).replace('_', '-'), model.id2label());
    }

    /**
     * Loads {@code model} (any source Javelin resolves), optionally with another pooling than the
     * model's ({@code cls|mean|max|last-token}). Null serves the embedded default all-MiniLM-L6-v2
     * together with the built-in sentiment head trained on its embeddings (NEGATIVE/POSITIVE): /embed and
     * /predict from one encoder. A classifier trained with {@code javelin train-classifier} likewise
     * serves both.
     */
    public static EncoderBackend load(String model, String poolingOverride) throws IOException {
        if (model == null) {
            return new EncoderBackend(Encoder.load(EmbeddingClassifier.defaultSentiment(), BundledModel.ALL_MINILM_L6_V2.modelId()),
                    poolingOverride, true);
        }
        Path dir = ModelSource.resolve(model);
        return new EncoderBackend(Encoder.load(dir, model), poolingOverride, EmbeddingClassifier.isEmbeddingClassifier(dir));
    }

    /** The model's tokenizer. */
    public Tokenizer tokenizer() {
        return encoder.tokenizer();
    }

    @Override
    public BackendInfo info() {
        return info;
    }

    @Override
    public float[][] embed(List<Encoding> batch) {
        return encoder.embed(batch, pooling);
    }

    @Override
    public float[][][] embedAll(List<Encoding> batch) {
        return encoder.embedAll(batch);
    }

    @Override
    public float[][] predict(List<Encoding> batch) {
        return encoder.predict(batch);
    }

    @Override
    public void close() {
        encoder.close();
    }
}
