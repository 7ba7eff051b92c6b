package dev.javelin.train.embed;

import dev.javelin.engine.Engine;
import dev.javelin.engine.Input;
import dev.javelin.engine.Pooling;
import dev.javelin.engine.Truncate;
import dev.javelin.pipelines.Progress;
import dev.javelin.tokenizers.Encoding;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Turns texts into the features a classification head is trained on: each distinct input embedded once,
 * in the engine's batches (its {@link dev.javelin.engine.Batcher}; the engine spreads each batch over all
 * cores), with a progress bar and ETA on stderr,
 * through the {@link EmbeddingCache} when one is given.
 */
public final class TextEmbedder {

    /** How one {@link #embed} call went. */
    public record Stats(int inputs, int distinct, boolean cached, double seconds) {
    }

    private final Engine encoder;
    private final String identity;
    private final Pooling pooling;
    private final boolean normalize;
    private final EmbeddingCache cache;
    private final boolean progress;
    private Stats last;

    /**
     * @param identity what distinguishes this encoder's outputs from another's (spec, model id, sizes)
     * @param cache    null for none
     * @param progress whether to draw a progress bar on stderr
     */
    public TextEmbedder(Engine encoder, String identity, Pooling pooling, boolean normalize, EmbeddingCache cache,
                        boolean progress) {
        this.encoder = encoder;
        this.identity = identity;
        this.pooling = pooling;
        this.normalize = normalize;
        this.cache = cache;
        this.progress = progress;
    }

    /** One feature row per input, in input order; {@code pairs} null for single texts. */
    public float[][] embed(String task, List<String> texts, List<String> pairs) throws IOException {
        long start = System.nanoTime();
        Map<List<String>, Integer> index = new HashMap<>();
        List<String> distinctTexts = new ArrayList<>();
        List<String> distinctPairs = pairs == null ? null : new ArrayList<>();
        int[] row = new int[texts.size()];
        for (int i = 0; i < texts.size(); i++) {
            List<String> input = pairs == null ? List.of(texts.get(i)) : List.of(texts.get(i), pairs.get(i));
            Integer at = index.get(input);
            if (at == null) {
                at = distinctTexts.size();
                index.put(input, at);
                distinctTexts.add(texts.get(i));
                if (distinctPairs != null) {
                    distinctPairs.add(pairs.get(i));
                }
            }
            row[i] = at;
        }
        String features = pooling.name().toLowerCase(Locale.ROOT) + (normalize ? "+normalize" : "");
        String key = EmbeddingCache.key(identity, features, distinctTexts, distinctPairs);
        int dim = encoder.info().hiddenSize();
        float[][] distinct = cache == null ? null : cache.load(key, distinctTexts.size(), dim);
        boolean cached = distinct != null;
        if (!cached) {
            distinct = compute(task, distinctTexts, distinctPairs);
            if (cache != null) {
                cache.store(key, distinct, Map.of("encoder", identity, "features", features,
                        "inputs", Integer.toString(distinctTexts.size())));
            }
        }
        float[][] out = new float[texts.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = distinct[row[i]];
        }
        last = new Stats(texts.size(), distinctTexts.size(), cached, (System.nanoTime() - start) / 1e9);
        return out;
    }

    /** How the last {@link #embed} call went. */
    public Stats lastStats() {
        return last;
    }

    /** An input's row and its tokens. */
    private record Row(int index, Encoding encoding) {
    }

    private float[][] compute(String task, List<String> texts, List<String> pairs) {
        float[][] out = new float[texts.size()][];
        // Tokenized lazily as the batcher pulls them: memory holds one batch of encodings at a time.
        Iterator<Row> rows = IntStream.range(0, texts.size()).mapToObj(i -> new Row(i,
                encoder.encode(Input.of(texts.get(i), pairs == null ? null : pairs.get(i)), Truncate.RIGHT))).iterator();
        try (Progress bar = progress ? new Progress(task, "texts", texts.size(), 0) : null) {
            for (Iterator<List<Row>> it = encoder.batcher().batches(rows, r -> r.encoding().length()); it.hasNext(); ) {
                List<Row> batch = it.next();
                float[][] features = encoder.features(batch.stream().map(Row::encoding).toList(), pooling, normalize);
                for (int k = 0; k < batch.size(); k++) {
                    out[batch.get(k).index()] = features[k];
                }
                if (bar != null) {
                    bar.advance(batch.size());
                }
            }
        }
        return out;
    }
}
