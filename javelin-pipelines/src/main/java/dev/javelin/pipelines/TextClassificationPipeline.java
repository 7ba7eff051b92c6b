package dev.javelin.pipelines;

import dev.javelin.engine.Engine;
import dev.javelin.engine.Input;
import dev.javelin.engine.Label;
import dev.javelin.engine.ModelInfo;
import dev.javelin.engine.PredictOptions;
import dev.javelin.engine.ScoreFunction;
import dev.javelin.engine.Truncate;
import java.util.List;

/**
 * Hugging Face's {@code pipeline("text-classification")} in Java: label + score per input, best
 * first, scored as the model's problem_type says (softmax, or a sigmoid per label for multi-label
 * models). Thread-safe.
 */
public final class TextClassificationPipeline implements AutoCloseable {
    private final Engine engine;

    TextClassificationPipeline(Engine engine) {
        this.engine = engine;
    }

    public ModelInfo info() { return engine.info(); }

    public Engine engine() { return engine; }

    /**
     * @param topK labels per input, best first; 0 means all labels
     * @param f    null for the model's own score function
     */
    public List<List<Label>> classify(List<String> texts, int topK, ScoreFunction f) {
        return classify(texts.stream().map(Input::of).toList(), new PredictOptions(Truncate.RIGHT, f, topK));
    }

    public List<List<Label>> classify(List<Input> inputs, PredictOptions options) {
        return engine.predict(inputs, options);
    }

    @Override
    public void close() {
        engine.close();
    }
}
