package dev.javelin.models;

import dev.javelin.io.config.BertConfig;
import dev.javelin.io.safetensors.SafeTensors;
import dev.javelin.kernels.Tanh;
import dev.javelin.nn.Linear;
import dev.javelin.nn.PackedSequences;
import dev.javelin.nn.Workspace;
import dev.javelin.tensor.Tensor;

/**
 * Hugging Face's {@code RobertaForSequenceClassification} (also XLM-R's and CamemBERT's):
 * logits = classifier.out_proj(tanh(classifier.dense(h[&lt;s&gt;]))). RoBERTa has no pooler; its head
 * plays that part.
 */
public final class RobertaForSequenceClassification implements SequenceClassifier {
    private final BertModel roberta;
    private final Linear dense;
    private final Linear outProj;

    private RobertaForSequenceClassification(BertModel roberta, Linear dense, Linear outProj) {
        this.roberta = roberta;
        this.dense = dense;
        this.outProj = outProj;
    }

    public static RobertaForSequenceClassification load(SafeTensors weights, BertConfig config, WeightDType dtype) throws ModelFormatException {
        BertModel model = BertModel.load(weights, config, dtype);
        int h = config.hiddenSize();
        Checkpoint head = Checkpoint.under(weights, dtype, "", "classifier.out_proj.weight");
        int labels = Models.numLabels(weights, "classifier.out_proj.weight", config.id2label());
        return new RobertaForSequenceClassification(model, head.linear("classifier.dense", h, h), head.linear("classifier.out_proj", h, labels));
    }

    @Override
    public BertModel encoder() { return roberta; }

    @Override
    public int numLabels() { return outProj.outFeatures(); }

    @Override
    public Tensor head(Tensor hidden, PackedSequences seqs, Workspace ws) {
        Tensor first = BertModel.firstTokens(hidden, seqs, ws);
        Tensor x = ws.tensor("classifier.dense", seqs.count(), roberta.hiddenSize());
        dense.forward(first, x);
        Tanh.apply(x);
        Tensor logits = ws.tensor("logits", seqs.count(), numLabels());
        outProj.forward(x, logits);
        return logits;
    }
}
