package dev.javelin.models;

import dev.javelin.io.config.GteConfig;
import dev.javelin.io.safetensors.SafeTensors;
import dev.javelin.kernels.Tanh;
import dev.javelin.nn.Linear;
import dev.javelin.nn.PackedSequences;
import dev.javelin.nn.Workspace;
import dev.javelin.tensor.Tensor;

/**
 * The GTE remote code's {@code NewForSequenceClassification} (gte-multilingual-reranker-base and GTE
 * classifiers): classifier(tanh(new.pooler.dense(h[CLS]))), the {@code NewPooler} being BERT's.
 */
public final class GteForSequenceClassification implements SequenceClassifier {
    private final GteModel gte;
    private final Linear pooler;
    private final Linear classifier;

    private GteForSequenceClassification(GteModel gte, Linear pooler, Linear classifier) {
        this.gte = gte;
        this.pooler = pooler;
        this.classifier = classifier;
    }

    public static GteForSequenceClassification load(SafeTensors weights, GteConfig config, WeightDType dtype) throws ModelFormatException {
        GteModel gte = GteModel.load(weights, config, dtype);
        int h = config.dims().hiddenSize();
        Checkpoint ckpt = Checkpoint.under(weights, dtype, "new.", "pooler.dense.weight");
        Linear classifier = Checkpoint.under(weights, dtype, "", "classifier.weight")
                .linear("classifier", h, Models.numLabels(weights, "classifier.weight", config.id2label()));
        return new GteForSequenceClassification(gte, ckpt.linear("pooler.dense", h, h), classifier);
    }

    @Override
    public GteModel encoder() { return gte; }

    @Override
    public int numLabels() { return classifier.outFeatures(); }

    @Override
    public Tensor head(Tensor hidden, PackedSequences seqs, Workspace ws) {
        Tensor pooled = ws.tensor("pooler.out", seqs.count(), gte.hiddenSize());
        pooler.forward(BertModel.firstTokens(hidden, seqs, ws), pooled);
        Tanh.apply(pooled);
        Tensor logits = ws.tensor("logits", seqs.count(), numLabels());
        classifier.forward(pooled, logits);
        return logits;
    }
}
