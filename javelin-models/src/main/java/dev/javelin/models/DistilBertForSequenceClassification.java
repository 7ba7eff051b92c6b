package dev.javelin.models;

import dev.javelin.io.config.DistilBertConfig;
import dev.javelin.io.safetensors.SafeTensors;
import dev.javelin.nn.Linear;
import dev.javelin.nn.PackedSequences;
import dev.javelin.nn.Workspace;
import dev.javelin.tensor.Tensor;

/**
 * Hugging Face's {@code DistilBertForSequenceClassification}:
 * logits = classifier(ReLU(pre_classifier(h[CLS]))), with {@code distilbert.*} encoder weights.
 */
public final class DistilBertForSequenceClassification implements SequenceClassifier {
    private final DistilBertModel distilbert;
    private final Linear preClassifier;
    private final Linear classifier;

    private DistilBertForSequenceClassification(DistilBertModel distilbert, Linear preClassifier, Linear classifier) {
        this.distilbert = distilbert;
        this.preClassifier = preClassifier;
        this.classifier = classifier;
    }

    public static DistilBertForSequenceClassification load(SafeTensors weights, DistilBertConfig config, WeightDType dtype) throws ModelFormatException {
        DistilBertModel model = DistilBertModel.load(weights, config, dtype);
        int h = config.dim();
        Checkpoint head = Checkpoint.under(weights, dtype, "", "classifier.weight");
        int labels = Models.numLabels(weights, "classifier.weight", config.id2label());
        return new DistilBertForSequenceClassification(model, head.linear("pre_classifier", h, h), head.linear("classifier", h, labels));
    }

    @Override
    public DistilBertModel encoder() { return distilbert; }

    @Override
    public int numLabels() { return classifier.outFeatures(); }

    @Override
    public Tensor head(Tensor hidden, PackedSequences seqs, Workspace ws) {
        Tensor first = BertModel.firstTokens(hidden, seqs, ws);
        Tensor pre = ws.tensor("pre-classifier", seqs.count(), distilbert.hiddenSize());
        preClassifier.forward(first, pre);
        relu(pre);
        Tensor logits = ws.tensor("logits", seqs.count(), numLabels());
        classifier.forward(pre, logits);
        return logits;
    }

    /** A few hundred floats per sequence once per batch: not worth a SIMD kernel. */
    private static void relu(Tensor x) {
        for (long i = 0, n = x.size(); i < n; i++) {
            if (x.getFlat(i) < 0) x.setFlat(i, 0f);
        }
    }
}
