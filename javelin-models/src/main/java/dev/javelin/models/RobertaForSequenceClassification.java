package dev.javelin.models;

import dev.javelin.io.config.BertConfig;
import dev.javelin.io.safetensors.SafeTensors;
import dev.javelin.nn.PackedSequences;
import dev.javelin.nn.Workspace;
import dev.javelin.tensor.Tensor;

/**
 * Hugging Face's {@code RobertaForSequenceClassification} (also XLM-R's and CamemBERT's): the
 * {@link ClassificationHead} on h[&lt;s&gt;]. RoBERTa has no pooler; its head plays that part.
 */
public final class RobertaForSequenceClassification implements SequenceClassifier {
    private final BertModel roberta;
    private final ClassificationHead classifier;

    private RobertaForSequenceClassification(BertModel roberta, ClassificationHead classifier) {
        this.roberta = roberta;
        this.classifier = classifier;
    }

    public static RobertaForSequenceClassification load(SafeTensors weights, BertConfig config, WeightDType dtype) throws ModelFormatException {
        return new RobertaForSequenceClassification(BertModel.load(weights, config, dtype),
                ClassificationHead.load(weights, dtype, config.hiddenSize(), config.id2label()));
    }

    @Override
    public BertModel encoder() { return roberta; }

    @Override
    public int numLabels() { return classifier.numLabels(); }

    @Override
    public Tensor head(Tensor hidden, PackedSequences seqs, Workspace ws) {
        return classifier.forward(hidden, seqs, ws);
    }
}
