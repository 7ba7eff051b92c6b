package dev.javelin.pipelines;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Ranks texts by relevance to a query. With a cross-encoder (a classifier with one output) each
 * (query, text) pair is scored jointly, sigmoid(logit) as sentence-transformers' CrossEncoder does;
 * with an embedding model the score is the cosine similarity of the two embeddings. Thread-safe.
 */
public final class RerankPipeline implements AutoCloseable {
    private final Encoder encoder;

    RerankPipeline(Encoder encoder) {
        if (encoder.info().kind() == ModelInfo.Kind.CLASSIFIER) {
            String id = encoder.info().modelId();
            int labels = encoder.info().numLabels();
            encoder.close();
            throw new IllegalArgumentException(id + " is a classifier with " + labels + " labels; reranking needs a cross-encoder "
                    + "(one output) or an embedding model");
        }
        this.encoder = encoder;
    }

    public ModelInfo info() { return encoder.info(); }

    public Encoder encoder() { return encoder; }

    /** The texts' ranks, most relevant first. */
    public List<Rank> rerank(String query, List<String> texts) {
        float[] scores = scores(query, texts);
        List<Rank> ranks = new ArrayList<>(scores.length);
        for (int i = 0; i < scores.length; i++) ranks.add(new Rank(i, scores[i]));
        ranks.sort(Comparator.comparingDouble(Rank::score).reversed());
        return ranks;
    }

    /** One relevance score per text, in input order. */
    public float[] scores(String query, List<String> texts) {
        float[] out = new float[texts.size()];
        if (texts.isEmpty()) return out;
        if (encoder.info().kind() == ModelInfo.Kind.RERANKER) {
            List<TextInput> pairs = texts.stream().map(t -> new TextInput(query, t)).toList();
            float[][] logits = encoder.predict(Pipelines.encode(encoder, pairs));
            for (int i = 0; i < out.length; i++) out[i] = ScoreFunction.SIGMOID.apply(logits[i])[0];
            return out;
        }
        List<TextInput> all = new ArrayList<>();
        all.add(TextInput.of(query));
        texts.forEach(t -> all.add(TextInput.of(t)));
        float[][] v = encoder.embed(Pipelines.encode(encoder, all), info().pooling());
        Pooling.normalize(v[0]);
        for (int i = 0; i < out.length; i++) {
            float[] t = Pooling.normalize(v[i + 1]);
            double dot = 0;
            for (int c = 0; c < t.length; c++) dot += (double) v[0][c] * t[c];
            out[i] = (float) dot;
        }
        return out;
    }

    @Override
    public void close() {
        encoder.close();
    }
}
