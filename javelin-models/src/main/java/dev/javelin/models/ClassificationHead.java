package dev.javelin.models;

import dev.javelin.io.safetensors.SafeTensors;
import dev.javelin.kernels.Tanh;
import dev.javelin.nn.Linear;
import dev.javelin.nn.PackedSequences;
import dev.javelin.nn.Workspace;
import dev.javelin.tensor.Tensor;
import java.util.Map;

/**
 * Hugging Face's {@code RobertaClassificationHead}, which {@code MPNetClassificationHead} repeats:
 * out_proj(tanh(dense(h[first token]))), under {@code classifier.dense} and {@code classifier.out_proj}.
 * These models have no pooler; the head plays its part. Dropout is the identity at inference.
 */
final class ClassificationHead {
    private final Linear dense;
    private final Linear outProj;

    private ClassificationHead(Linear dense, Linear outProj) {
        this.dense = dense;
        this.outProj = outProj;
    }

    static ClassificationHead load(SafeTensors weights, WeightDType dtype, int hidden, Map<Integer, String> id2label)
            throws ModelFormatException {
        Checkpoint head = Checkpoint.under(weights, dtype, "", "classifier.out_proj.weight");
        int labels = Models.numLabels(weights, "classifier.out_proj.weight", id2label);
        return new ClassificationHead(head.linear("classifier.dense", hidden, hidden), head.linear("classifier.out_proj", hidden, labels));
    }

    int numLabels() { return outProj.outFeatures(); }

    /** Logits [sequences, labels] in {@code ws} from the last hidden state. */
    Tensor forward(Tensor hidden, PackedSequences seqs, Workspace ws) {
        Tensor first = BertModel.firstTokens(hidden, seqs, ws);
        Tensor x = ws.tensor("classifier.dense", seqs.count(), hidden.dim(1));
        dense.forward(first, x);
        Tanh.apply(x);
        Tensor logits = ws.tensor("logits", seqs.count(), numLabels());
        outProj.forward(x, logits);
        return logits;
    }
}
