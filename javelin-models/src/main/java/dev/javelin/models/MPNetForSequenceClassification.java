package dev.javelin.models;

import dev.javelin.io.config.MPNetConfig;
import dev.javelin.io.safetensors.SafeTensors;
import dev.javelin.nn.PackedSequences;
import dev.javelin.nn.Workspace;
import dev.javelin.tensor.Tensor;

/**
 * Hugging Face's {@code MPNetForSequenceClassification} (MPNet cross-encoders and classifiers): the
 * encoder under {@code mpnet.} without its pooler, and {@code MPNetClassificationHead} on h[&lt;s&gt;],
 * which is RoBERTa's {@link ClassificationHead}.
 */
public final class MPNetForSequenceClassification implements SequenceClassifier {
    private final MPNetModel mpnet;
    private final ClassificationHead classifier;

    private MPNetForSequenceClassification(MPNetModel mpnet, ClassificationHead classifier) {
        this.mpnet = mpnet;
        this.classifier = classifier;
    }

    public static MPNetForSequenceClassification load(SafeTensors weights, MPNetConfig config, WeightDType dtype) throws ModelFormatException {
        return new MPNetForSequenceClassification(MPNetModel.load(weights, config, dtype),
                ClassificationHead.load(weights, dtype, config.dims().hiddenSize(), config.id2label()));
    }

    @Override
    public MPNetModel encoder() { return mpnet; }

    @Override
    public int numLabels() { return classifier.numLabels(); }

    @Override
    public Tensor head(Tensor hidden, PackedSequences seqs, Workspace ws) {
        return classifier.forward(hidden, seqs, ws);
    }
}
