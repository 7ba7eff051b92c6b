package dev.javelin.models;

import dev.javelin.nn.PackedSequences;
import dev.javelin.nn.Workspace;
import dev.javelin.tensor.Tensor;

/** An encoder with a sequence classification head; one label = a cross-encoder relevance score. */
public sealed interface SequenceClassifier permits BertForSequenceClassification, DistilBertForSequenceClassification,
        RobertaForSequenceClassification, MPNetForSequenceClassification, GteForSequenceClassification,
        ModernBertForSequenceClassification {

    EncoderModel encoder();

    int numLabels();

    /** Raw logits [sequences, numLabels] in {@code ws}. */
    default Tensor logits(TokenBatch batch, Workspace ws) {
        return head(encoder().forward(batch, ws), batch.sequences(), ws);
    }

    /** The head alone, on a last hidden state already computed (embeddings and logits from one pass). */
    Tensor head(Tensor hidden, PackedSequences seqs, Workspace ws);
}
