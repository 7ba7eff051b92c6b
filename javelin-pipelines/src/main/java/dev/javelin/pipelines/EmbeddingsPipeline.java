package dev.javelin.pipelines;

import dev.javelin.engine.EmbedOptions;
import dev.javelin.engine.Engine;
import dev.javelin.engine.Input;
import dev.javelin.engine.ModelInfo;
import java.util.List;

/**
 * Sentence embeddings as sentence-transformers computes them: the model's pooling, then L2
 * normalisation when its {@code modules.json} has a Normalize module. Thread-safe.
 */
public final class EmbeddingsPipeline implements AutoCloseable {
    private final Engine engine;

    EmbeddingsPipeline(Engine engine) {
        this.engine = engine;
    }

    public ModelInfo info() { return engine.info(); }

    public Engine engine() { return engine; }

    public float[] embed(String text) {
        return embed(List.of(text))[0];
    }

    public float[][] embed(List<String> texts) {
        return embed(texts.stream().map(Input::of).toList(), EmbedOptions.DEFAULT);
    }

    public float[][] embed(List<Input> inputs, EmbedOptions options) {
        return engine.embed(inputs, options);
    }

    @Override
    public void close() {
        engine.close();
    }
}
