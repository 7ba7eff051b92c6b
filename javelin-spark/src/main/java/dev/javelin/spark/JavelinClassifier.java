package dev.javelin.spark;

import dev.javelin.batch.Task;
import java.util.List;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;

/**
 * Appends the best label of the input column ({@code outputCol}) and its score ({@code scoreCol}),
 * scored as the model's problem type says. Without a model, the embedded sentiment classifier.
 */
public final class JavelinClassifier extends JavelinTransformer<JavelinClassifier> {
    private static final long serialVersionUID = 1L;

    private final Param<String> scoreCol = new Param<>(this, "scoreCol", "column the best label's score goes to");

    public JavelinClassifier() {
        this(Identifiable.randomUID("javelinClassifier"));
    }

    public JavelinClassifier(String uid) {
        super(uid, "label");
        setDefault(scoreCol, "score");
    }

    public Param<String> scoreCol() {
        return scoreCol;
    }

    public JavelinClassifier setScoreCol(String value) {
        set(scoreCol, value);
        return this;
    }

    @Override
    protected Task task() {
        return Task.CLASSIFY;
    }

    @Override
    List<String> outputColumns() {
        return List.of(getOutputCol(), $(scoreCol));
    }

    public static MLReader<JavelinClassifier> read() {
        return new DefaultParamsReader<>();
    }

    public static JavelinClassifier load(String path) {
        return read().load(path);
    }
}
