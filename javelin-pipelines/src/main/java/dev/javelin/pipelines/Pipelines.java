package dev.javelin.pipelines;

import dev.javelin.engine.Engine;
import dev.javelin.engine.ModelSpec;
import dev.javelin.models.WeightDType;
import java.io.IOException;

/**
 * Entry points as short as Python's {@code pipeline(...)}, over the {@link Engine}. {@code model} is a
 * local Hugging Face directory or a Hub id; null means the embedded default (all-MiniLM-L6-v2 with
 * the built-in sentiment model), as everywhere. Pipelines are thread-safe and batch-first; close them
 * to unmap the weights.
 */
public final class Pipelines {
    private Pipelines() {}

    /** The embedded default's embeddings (all-MiniLM-L6-v2). */
    public static EmbeddingsPipeline embeddings() throws IOException {
        return embeddings(ModelSpec.DEFAULT);
    }

    public static EmbeddingsPipeline embeddings(String model) throws IOException {
        return embeddings(ModelSpec.of(model));
    }

    public static EmbeddingsPipeline embeddings(ModelSpec spec) throws IOException {
        return new EmbeddingsPipeline(checked(Engine.load(spec), Engine::requireEmbeds));
    }

    /** The embedded default's classifier: the built-in SST-2 sentiment model, a LoRA adapter (NEGATIVE/POSITIVE). */
    public static TextClassificationPipeline textClassification() throws IOException {
        return textClassification(ModelSpec.DEFAULT);
    }

    public static TextClassificationPipeline textClassification(String model) throws IOException {
        return textClassification(model, WeightDType.F32);
    }

    /** A classifier with its linear layers in {@code dtype} (int8 / bf16: quantized on load). */
    public static TextClassificationPipeline textClassification(String model, WeightDType dtype) throws IOException {
        return textClassification(ModelSpec.of(model).withDtype(dtype));
    }

    public static TextClassificationPipeline textClassification(ModelSpec spec) throws IOException {
        return new TextClassificationPipeline(checked(Engine.load(spec), Engine::requirePredicts));
    }

    public static RerankPipeline rerank(String model) throws IOException {
        return rerank(model, WeightDType.F32);
    }

    /** A cross-encoder with its linear layers in {@code dtype} (int8 / bf16: quantized on load). */
    public static RerankPipeline rerank(String model, WeightDType dtype) throws IOException {
        return rerank(ModelSpec.of(model).withDtype(dtype));
    }

    public static RerankPipeline rerank(ModelSpec spec) throws IOException {
        return new RerankPipeline(checked(Engine.load(spec), Engine::requireReranks));
    }

    /** The engine if it can do the pipeline's task; else it is closed and the task's error thrown. */
    private static Engine checked(Engine engine, java.util.function.Consumer<Engine> requirement) {
        try {
            requirement.accept(engine);
            return engine;
        } catch (RuntimeException e) {
            engine.close();
            throw new IllegalArgumentException(engine.info().modelId() + ": " + e.getMessage(), e);
        }
    }
}
