package dev.javelin.pipelines;

import dev.javelin.tokenizers.Encoding;
import java.util.List;

/**
 * Sentence embeddings as sentence-transformers computes them: the model's pooling, then L2
 * normalisation when its {@code modules.json} has a Normalize module. Thread-safe.
 */
public final class EmbeddingsPipeline implements AutoCloseable {
    private final Encoder encoder;

    EmbeddingsPipeline(Encoder encoder) {
        this.encoder = encoder;
    }

    public ModelInfo info() { return encoder.info(); }

    public Encoder encoder() { return encoder; }

    public float[] embed(String text) {
        return embed(List.of(text))[0];
    }

    public float[][] embed(List<String> texts) {
        return embedInputs(texts.stream().map(TextInput::of).toList(), null, null);
    }

    /**
     * Embeds texts or pairs; {@code pooling} and {@code normalize} override the model's own settings
     * when not null.
     */
    public float[][] embedInputs(List<TextInput> inputs, Pooling pooling, Boolean normalize) {
        List<Encoding> encodings = Pipelines.encode(encoder, inputs);
        float[][] vectors = encoder.embed(encodings, pooling != null ? pooling : info().pooling());
        if (normalize != null ? normalize : info().normalize()) {
            for (float[] v : vectors) Pooling.normalize(v);
        }
        return vectors;
    }

    @Override
    public void close() {
        encoder.close();
    }
}
