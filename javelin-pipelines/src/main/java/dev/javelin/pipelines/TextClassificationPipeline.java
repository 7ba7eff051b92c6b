package dev.javelin.pipelines;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Hugging Face's {@code pipeline("text-classification")} in Java: label + score per input, best
 * first. Thread-safe.
 */
public final class TextClassificationPipeline implements AutoCloseable {
    private final Encoder encoder;
    private final ScoreFunction defaultFunction;

    TextClassificationPipeline(Encoder encoder) {
        if (encoder.info().kind() == ModelInfo.Kind.EMBEDDING) {
            String id = encoder.info().modelId();
            encoder.close();
            throw new IllegalArgumentException(id + " is an embedding model without a classification head; "
                    + "text classification needs a *ForSequenceClassification checkpoint");
        }
        this.encoder = encoder;
        this.defaultFunction = ScoreFunction.defaultFor(encoder.problemType(), encoder.info().numLabels());
    }

    public ModelInfo info() { return encoder.info(); }

    public Encoder encoder() { return encoder; }

    /**
     * @param topK labels per input, best first; {@code < 1} means all labels
     * @param f    null for Hugging Face's default for this model
     */
    public List<List<Label>> classify(List<String> texts, int topK, ScoreFunction f) {
        return classifyInputs(texts.stream().map(TextInput::of).toList(), topK, f);
    }

    public List<List<Label>> classifyInputs(List<TextInput> inputs, int topK, ScoreFunction f) {
        ScoreFunction fn = f != null ? f : defaultFunction;
        float[][] logits = encoder.predict(Pipelines.encode(encoder, inputs));
        List<List<Label>> out = new ArrayList<>(logits.length);
        for (float[] row : logits) {
            float[] scores = fn.apply(row);
            List<Label> labels = new ArrayList<>(scores.length);
            for (int i = 0; i < scores.length; i++) labels.add(new Label(info().label(i), scores[i]));
            labels.sort(Comparator.comparingDouble(Label::score).reversed());
            out.add(List.copyOf(topK < 1 ? labels : labels.subList(0, Math.min(topK, labels.size()))));
        }
        return out;
    }

    @Override
    public void close() {
        encoder.close();
    }
}
