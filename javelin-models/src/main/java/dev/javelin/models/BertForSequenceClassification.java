package dev.javelin.models;

import dev.javelin.io.config.BertConfig;
import dev.javelin.io.safetensors.SafeTensors;
import dev.javelin.nn.Linear;
import dev.javelin.nn.PackedSequences;
import dev.javelin.nn.Workspace;
import dev.javelin.tensor.Tensor;

/**
 * Hugging Face's {@code BertForSequenceClassification}: logits = classifier(pooler(h[CLS])), with
 * {@code bert.*} encoder weights and a top-level {@code classifier} layer. Dropout is the identity
 * at inference.
 */
public final class BertForSequenceClassification implements SequenceClassifier {
    private final BertModel bert;
    private final Linear classifier;

    private BertForSequenceClassification(BertModel bert, Linear classifier) {
        this.bert = bert;
        this.classifier = classifier;
    }

    public static BertForSequenceClassification load(SafeTensors weights, BertConfig config, WeightDType dtype) throws ModelFormatException {
        BertModel bert = BertModel.load(weights, config, dtype);
        if (!bert.hasPooler()) throw new ModelFormatException(weights.source() + " has a classifier but no pooler (bert.pooler.dense.*)");
        int labels = Models.numLabels(weights, "classifier.weight", config.id2label());
        Linear classifier = Checkpoint.under(weights, dtype, "", "classifier.weight").linear("classifier", config.hiddenSize(), labels);
        return new BertForSequenceClassification(bert, classifier);
    }

    @Override
    public BertModel encoder() { return bert; }

    @Override
    public int numLabels() { return classifier.outFeatures(); }

    @Override
    public Tensor head(Tensor hidden, PackedSequences seqs, Workspace ws) {
        Tensor pooled = bert.pool(hidden, seqs, ws);
        Tensor logits = ws.tensor("logits", seqs.count(), numLabels());
        classifier.forward(pooled, logits);
        return logits;
    }
}
