package dev.javelin.batch;

import dev.javelin.pipelines.EmbeddingClassifier;
import dev.javelin.pipelines.Encoder;
import dev.javelin.pipelines.ModelInfo;
import dev.javelin.pipelines.Pooling;
import dev.javelin.pipelines.ScoreFunction;
import dev.javelin.tokenizers.Encoding;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * The model side of a job: tokenizes a row, cuts token-budget batches, and runs one batch into
 * result rows. Thread-safe: rows are tokenized on many threads while a batch runs.
 */
public final class RowModel implements AutoCloseable {
    private final Task task;
    private final Encoder encoder;
    private final int batchTokens;
    private final ScoreFunction scores;

    private RowModel(Task task, Encoder encoder, int batchTokens) {
        this.task = task;
        this.encoder = encoder;
        this.batchTokens = batchTokens;
        ModelInfo info = encoder.info();
        this.scores = task == Task.EMBED ? null
                : task == Task.RERANK ? ScoreFunction.SIGMOID
                : ScoreFunction.defaultFor(encoder.problemType(), info.numLabels());
    }

    /** @param model a local directory or Hub id; null is the embedded default (for classify: its sentiment head) */
    public static RowModel load(Task task, String model, int batchTokens) throws IOException {
        Encoder encoder = model == null && task == Task.CLASSIFY
                ? Encoder.load(EmbeddingClassifier.defaultSentiment(), EmbeddingClassifier.DEFAULT_SENTIMENT_ID)
                : Encoder.load(model);
        ModelInfo.Kind kind = encoder.info().kind();
        String refusal = switch (task) {
            case EMBED -> null;
            case CLASSIFY -> kind == ModelInfo.Kind.CLASSIFIER ? null : "is not a classifier";
            case RERANK -> kind == ModelInfo.Kind.RERANKER ? null : "is not a cross-encoder (a classifier with one output)";
        };
        if (refusal != null) {
            encoder.close();
            throw new IllegalArgumentException(encoder.info().modelId() + " " + refusal);
        }
        return new RowModel(task, encoder, batchTokens);
    }

    public ModelInfo info() {
        return encoder.info();
    }

    /** The row's tokens. @throws IllegalArgumentException naming why the row cannot be run */
    public Encoding encode(InputRow row) {
        return row.query() == null ? encoder.tokenizer().encode(row.text()) : encoder.tokenizer().encode(row.query(), row.text());
    }

    /** Consecutive batches of at most the token budget (a longer item runs alone). */
    public <T> List<List<T>> batches(List<T> items, ToIntFunction<T> tokens) {
        List<List<T>> out = new ArrayList<>();
        List<T> batch = new ArrayList<>();
        int sum = 0;
        for (T item : items) {
            int n = tokens.applyAsInt(item);
            if (!batch.isEmpty() && sum + n > batchTokens) {
                out.add(batch);
                batch = new ArrayList<>();
                sum = 0;
            }
            batch.add(item);
            sum += n;
        }
        if (!batch.isEmpty()) out.add(batch);
        return out;
    }

    /** One forward pass over {@code encodings}, one result per row. */
    public List<Result> run(List<InputRow> rows, List<Encoding> encodings) {
        List<Result> out = new ArrayList<>(rows.size());
        if (task == Task.EMBED) {
            float[][] v = encoder.embed(encodings, info().pooling());
            for (int i = 0; i < v.length; i++) {
                out.add(new Result.Embedding(rows.get(i).id(), info().normalize() ? Pooling.normalize(v[i]) : v[i]));
            }
            return out;
        }
        float[][] logits = encoder.predict(encodings);
        for (int i = 0; i < logits.length; i++) {
            float[] s = scores.apply(logits[i]);
            if (task == Task.RERANK) {
                out.add(new Result.Relevance(rows.get(i).id(), s[0]));
            } else {
                int best = 0;
                for (int l = 1; l < s.length; l++) if (s[l] > s[best]) best = l;
                out.add(new Result.Classification(rows.get(i).id(), info().label(best), s[best]));
            }
        }
        return out;
    }

    @Override
    public void close() {
        encoder.close();
    }
}
