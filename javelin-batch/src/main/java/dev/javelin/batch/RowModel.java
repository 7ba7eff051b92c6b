package dev.javelin.batch;

import dev.javelin.engine.Batcher;
import dev.javelin.engine.EmbedOptions;
import dev.javelin.engine.Engine;
import dev.javelin.engine.Input;
import dev.javelin.engine.Label;
import dev.javelin.engine.ModelInfo;
import dev.javelin.engine.ModelSpec;
import dev.javelin.engine.PredictOptions;
import dev.javelin.engine.Truncate;
import dev.javelin.models.WeightDType;
import dev.javelin.tokenizers.Encoding;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * A job's view of the {@link Engine}: a row becomes an engine {@link Input}, batches come from the
 * engine's {@link Batcher}, and every number in a result comes from the engine's own stages. No
 * arithmetic lives here. Thread-safe: rows are tokenized on many threads while a batch runs.
 */
public final class RowModel implements AutoCloseable {
    private static final PredictOptions BEST_LABEL = new PredictOptions(Truncate.RIGHT, null, 1);

    private final Task task;
    private final Engine engine;
    private final WeightDType dtype;

    private RowModel(Task task, Engine engine, WeightDType dtype) {
        this.task = task;
        this.engine = engine;
        this.dtype = dtype;
    }

    /**
     * @param spec        the model, with pooling and normalisation overrides for embeddings
     * @param batchTokens the token budget of one forward pass
     * @throws IllegalArgumentException when the model cannot do {@code task}
     */
    public static RowModel load(Task task, ModelSpec spec, int batchTokens) throws IOException {
        Engine engine = Engine.load(spec, new Batcher(batchTokens, 0));
        try {
            switch (task) {
                case EMBED -> engine.requireEmbeds();
                case CLASSIFY -> engine.requirePredicts();
                case RERANK -> engine.requireReranks();
            }
        } catch (RuntimeException e) {
            engine.close();
            throw new IllegalArgumentException(engine.info().modelId() + ": " + e.getMessage(), e);
        }
        return new RowModel(task, engine, spec.dtype());
    }

    public ModelInfo info() {
        return engine.info();
    }

    /** The precision its linear layers were loaded in. */
    public WeightDType dtype() {
        return dtype;
    }

    /** The row's tokens, truncated to the model's length. @throws IllegalArgumentException naming why the row cannot be run */
    public Encoding encode(InputRow row) {
        return engine.encode(Input.of(row.query() != null ? row.query() : row.text(), row.query() != null ? row.text() : null),
                Truncate.RIGHT);
    }

    /** The engine's batches of {@code items} (consecutive, within its token budget). */
    public <T> List<List<T>> batches(List<T> items, ToIntFunction<T> tokens) {
        return engine.batcher().split(items, tokens);
    }

    /** One forward pass over {@code encodings}, one result per row. */
    public List<Result> run(List<InputRow> rows, List<Encoding> encodings) {
        List<Result> out = new ArrayList<>(rows.size());
        if (task == Task.EMBED) {
            float[][] pooled = engine.pooled(encodings);
            for (int i = 0; i < pooled.length; i++) {
                out.add(new Result.Embedding(rows.get(i).id(), engine.embedding(pooled[i], EmbedOptions.DEFAULT)));
            }
            return out;
        }
        float[][] logits = engine.logits(encodings);
        for (int i = 0; i < logits.length; i++) {
            String id = rows.get(i).id();
            if (task == Task.RERANK) {
                out.add(new Result.Relevance(id, engine.relevance(logits[i], false)));
            } else {
                Label best = engine.labels(logits[i], BEST_LABEL).getFirst();
                out.add(new Result.Classification(id, best.label(), best.score()));
            }
        }
        return out;
    }

    @Override
    public void close() {
        engine.close();
    }
}
