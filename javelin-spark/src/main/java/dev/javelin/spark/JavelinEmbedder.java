package dev.javelin.spark;

import dev.javelin.batch.Task;
import java.util.List;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;

/** Appends a sentence embedding (array&lt;float&gt;) of the input column: the model's pooling and normalisation unless set. */
public final class JavelinEmbedder extends JavelinTransformer<JavelinEmbedder> {
    private static final long serialVersionUID = 1L;

    public JavelinEmbedder() {
        this(Identifiable.randomUID("javelinEmbedder"));
    }

    public JavelinEmbedder(String uid) {
        super(uid, "embedding");
    }

    @Override
    protected Task task() {
        return Task.EMBED;
    }

    @Override
    List<String> outputColumns() {
        return List.of(getOutputCol());
    }

    /** MLReadable: how {@code Pipeline.load} and {@code PipelineModel.load} find this stage. */
    public static MLReader<JavelinEmbedder> read() {
        return new DefaultParamsReader<>();
    }

    public static JavelinEmbedder load(String path) {
        return read().load(path);
    }
}
