package dev.javelin.train;

import dev.javelin.engine.Input;
import dev.javelin.engine.Label;
import dev.javelin.engine.PredictOptions;
import dev.javelin.engine.Truncate;
import dev.javelin.pipelines.TextClassificationPipeline;
import dev.javelin.train.data.Dataset;
import dev.javelin.train.metrics.ClassificationMetrics;
import java.util.ArrayList;
import java.util.List;
import me.tongfei.progressbar.ProgressBar;

/** {@code eval}: runs a classification pipeline over a labelled dataset and scores its top label. */
public final class ClassifierEvaluator {

    private static final int BATCH = 64;

    private ClassifierEvaluator() {
    }

    /** @param dataset labelled with the pipeline's classes (see {@link Dataset#forModel}) */
    public static ClassificationMetrics evaluate(TextClassificationPipeline pipeline, Dataset dataset, boolean progress) {
        List<String> classes = dataset.classes();
        int[] predicted = new int[dataset.size()];
        try (ProgressBar bar = progress ? Progress.bar("classifying", dataset.size()) : null) {
            for (int from = 0; from < dataset.size(); from += BATCH) {
                int to = Math.min(dataset.size(), from + BATCH);
                List<Input> inputs = new ArrayList<>(to - from);
                for (int i = from; i < to; i++) {
                    inputs.add(Input.of(dataset.texts().get(i), dataset.hasPairs() ? dataset.pairs().get(i) : null));
                }
                List<List<Label>> top = pipeline.classify(inputs, new PredictOptions(Truncate.RIGHT, null, 1));
                for (int i = 0; i < top.size(); i++) {
                    predicted[from + i] = classes.indexOf(top.get(i).getFirst().label());
                }
                if (bar != null) {
                    bar.stepBy(to - from);
                }
            }
        }
        return ClassificationMetrics.of(dataset.labels(), predicted, classes);
    }
}
