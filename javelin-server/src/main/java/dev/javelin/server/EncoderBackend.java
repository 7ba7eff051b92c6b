package dev.javelin.server;

import dev.javelin.pipelines.Encoder;
import dev.javelin.pipelines.ModelInfo;
import dev.javelin.pipelines.Pooling;
import dev.javelin.tokenizers.Encoding;
import dev.javelin.tokenizers.Tokenizer;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/** The production backend: a Javelin {@link Encoder} (packed batches, kernels' compute pool). */
public final class EncoderBackend implements Backend {
    private final Encoder encoder;
    private final Pooling pooling;
    private final BackendInfo info;

    public EncoderBackend(Encoder encoder, String poolingOverride) {
        this.encoder = encoder;
        ModelInfo model = encoder.info();
        this.pooling = poolingOverride != null ? Pooling.parse(poolingOverride) : model.pooling();
        BackendInfo.Kind kind = switch (model.kind()) {
            case EMBEDDING -> BackendInfo.Kind.EMBEDDING;
            case CLASSIFIER -> BackendInfo.Kind.CLASSIFIER;
            case RERANKER -> BackendInfo.Kind.RERANKER;
        };
        this.info = new BackendInfo(model.modelId(), model.modelType(), kind, model.hiddenSize(), model.maxInputLength(),
                pooling.name().toLowerCase(Locale.ROOT).replace('_', '-'), model.id2label());
    }

    /**
     * Loads {@code model} (any source Javelin resolves; null: the embedded default all-MiniLM-L6-v2),
     * optionally with another pooling than the model's ({@code cls|mean|max|last-token}).
     */
    public static EncoderBackend load(String model, String poolingOverride) throws IOException {
        return new EncoderBackend(Encoder.load(model), poolingOverride);
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
