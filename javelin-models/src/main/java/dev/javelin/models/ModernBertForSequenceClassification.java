package dev.javelin.models;

import dev.javelin.io.config.ModernBertConfig;
import dev.javelin.io.safetensors.SafeTensors;
import dev.javelin.kernels.Add;
import dev.javelin.kernels.Gelu;
import dev.javelin.kernels.Scale;
import dev.javelin.nn.LayerNorm;
import dev.javelin.nn.Linear;
import dev.javelin.nn.PackedSequences;
import dev.javelin.nn.Workspace;
import dev.javelin.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * Hugging Face's {@code ModernBertForSequenceClassification} (ModernBERT cross-encoders and
 * classifiers, e.g. gte-reranker-modernbert-base): the sequence pooled as classifier_pooling says
 * (the first token, or the mean over its tokens), then {@code ModernBertPredictionHead}
 * norm(GELU(dense(x))) under {@code head.}, then {@code classifier}.
 */
public final class ModernBertForSequenceClassification implements SequenceClassifier {
    private final ModernBertModel model;
    private final boolean meanPooling;
    private final Linear dense;
    private final LayerNorm norm;
    private final Linear classifier;

    private ModernBertForSequenceClassification(ModernBertModel model, boolean meanPooling, Linear dense, LayerNorm norm,
                                                Linear classifier) {
        this.model = model;
        this.meanPooling = meanPooling;
        this.dense = dense;
        this.norm = norm;
        this.classifier = classifier;
    }

    public static ModernBertForSequenceClassification load(SafeTensors weights, ModernBertConfig config, WeightDType dtype)
            throws ModelFormatException {
        if (!config.classifierActivation().equals("gelu")) {
            throw new ModelFormatException("classifier_activation " + config.classifierActivation()
                    + " is not supported; ModernBERT heads here use exact GELU (\"gelu\")");
        }
        ModernBertModel model = ModernBertModel.load(weights, config, dtype);
        int h = config.dims().hiddenSize();
        Checkpoint head = Checkpoint.under(weights, dtype, "", "classifier.weight");
        LayerNorm norm = config.normBias() ? head.layerNorm("head.norm", h, config.dims().normEps())
                : head.layerNormNoBias("head.norm", h, config.dims().normEps());
        return new ModernBertForSequenceClassification(model, config.classifierPooling().equals("mean"),
                head.linear("head.dense", h, h, config.classifierBias()), norm,
                head.linear("classifier", h, Models.numLabels(weights, "classifier.weight", config.id2label())));
    }

    @Override
    public ModernBertModel encoder() { return model; }

    @Override
    public int numLabels() { return classifier.outFeatures(); }

    @Override
    public Tensor head(Tensor hidden, PackedSequences seqs, Workspace ws) {
        Tensor pooled = meanPooling ? meanOfTokens(hidden, seqs, ws) : BertModel.firstTokens(hidden, seqs, ws);
        Tensor x = ws.tensor("head.dense", seqs.count(), model.hiddenSize());
        dense.forward(pooled, x);
        Gelu.apply(x);
        norm.forward(x);
        Tensor logits = ws.tensor("logits", seqs.count(), numLabels());
        classifier.forward(x, logits);
        return logits;
    }

    /** Every sequence's mean over its own tokens, [sequences, hidden]: packed, so no padding enters it. */
    private static Tensor meanOfTokens(Tensor hidden, PackedSequences seqs, Workspace ws) {
        int h = hidden.dim(1);
        Tensor out = ws.tensor("mean-tokens", seqs.count(), h);
        for (int s = 0; s < seqs.count(); s++) {
            Tensor row = out.slice(0, s, s + 1);
            int start = seqs.start(s), n = seqs.length(s);
            Tensor first = hidden.get0(start);
            MemorySegment.copy(first.segment(), first.byteOffset(), row.segment(), row.byteOffset(), (long) h * Float.BYTES);
            for (int t = start + 1; t < start + n; t++) Add.inPlace(row, hidden.slice(0, t, t + 1));
            Scale.apply(row, 1f / n);
        }
        return out;
    }
}
