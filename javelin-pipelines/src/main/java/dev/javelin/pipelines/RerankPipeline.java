package dev.javelin.pipelines;

import dev.javelin.engine.Engine;
import dev.javelin.engine.ModelInfo;
import dev.javelin.engine.Rank;
import dev.javelin.engine.RerankOptions;
import java.util.List;

/**
 * Ranks texts by relevance to a query with a cross-encoder (a classifier with one output): each
 * (query, text) pair is scored jointly, sigmoid(logit) as sentence-transformers' CrossEncoder does.
 * Thread-safe.
 */
public final class RerankPipeline implements AutoCloseable {
    private final Engine engine;

    RerankPipeline(Engine engine) {
        this.engine = engine;
    }

    public ModelInfo info() { return engine.info(); }

    public Engine engine() { return engine; }

    /** The texts' ranks, most relevant first. */
    public List<Rank> rerank(String query, List<String> texts) {
        return rerank(query, texts, RerankOptions.DEFAULT);
    }

    public List<Rank> rerank(String query, List<String> texts, RerankOptions options) {
        return engine.rerank(query, texts, options);
    }

    @Override
    public void close() {
        engine.close();
    }
}
