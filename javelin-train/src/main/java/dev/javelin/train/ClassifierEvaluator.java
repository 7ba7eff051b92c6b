package dev.javelin.train;

import dev.javelin.engine.Engine;
import dev.javelin.engine.Input;
import dev.javelin.engine.PredictOptions;
import dev.javelin.engine.Truncate;
import dev.javelin.pipelines.Progress;
import dev.javelin.pipelines.TextClassificationPipeline;
import dev.javelin.tokenizers.Encoding;
import dev.javelin.train.data.Dataset;
import dev.javelin.train.metrics.ClassificationMetrics;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * {@code eval}: runs a classification pipeline over a labelled dataset and scores its top label, in
 * the engine's own batches (its Batcher), with progress on stderr.
 */
public final class ClassifierEvaluator {
    private static final PredictOptions TOP_LABEL = new PredictOptions(Truncate.RIGHT, null, 1);

    private ClassifierEvaluator() {
    }

    /** An input's row and its tokens. */
    private record Row(int index, Encoding encoding) {
    }

    /** @param dataset labelled with the pipeline's classes (see {@link Dataset#forModel}) */
    public static ClassificationMetrics evaluate(TextClassificationPipeline pipeline, Dataset dataset, boolean progress) {
        Engine engine = pipeline.engine();
        engine.requirePredicts();
        List<String> classes = dataset.classes();
        int[] predicted = new int[dataset.size()];
        // Tokenized lazily as the batcher pulls them: memory holds one batch of encodings at a time.
        Iterator<Row> rows = IntStream.range(0, dataset.size()).mapToObj(i -> new Row(i, engine.encode(
                Input.of(dataset.texts().get(i), dataset.hasPairs() ? dataset.pairs().get(i) : null), Truncate.RIGHT))).iterator();
        try (Progress bar = progress ? new Progress("classifying", "texts", dataset.size(), 0) : null) {
            for (Iterator<List<Row>> it = engine.batcher().batches(rows, r -> r.encoding().length()); it.hasNext(); ) {
                List<Row> batch = it.next();
                float[][] logits = engine.logits(batch.stream().map(Row::encoding).toList());
                for (int k = 0; k < batch.size(); k++) {
                    predicted[batch.get(k).index()] = classes.indexOf(engine.labels(logits[k], TOP_LABEL).getFirst().label());
                }
                if (bar != null) {
                    bar.advance(batch.size());
                }
            }
        }
        return ClassificationMetrics.of(dataset.labels(), predicted, classes);
    }
}
