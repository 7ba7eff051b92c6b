package dev.javelin.models;

import dev.javelin.nn.Embedding;
import dev.javelin.nn.LayerNorm;
import dev.javelin.tensor.Tensor;

/**
 * BERT-family input embeddings: LN(word[id] + position[pos] + tokenType[type]). DistilBERT has no
 * token types ({@code tokenType} null).
 */
final class BertEmbeddings {
    private final Embedding word;
    private final Embedding position;
    private final Embedding tokenType;
    private final LayerNorm norm;

    BertEmbeddings(Embedding word, Embedding position, Embedding tokenType, LayerNorm norm) {
        int h = word.dim();
        if (position.dim() != h || (tokenType != null && tokenType.dim() != h) || norm.dim() != h) {
            throw new IllegalArgumentException("embedding tables and norm disagree on the hidden size " + h);
        }
        this.word = word;
        this.position = position;
        this.tokenType = tokenType;
        this.norm = norm;
    }

    int hidden() { return word.dim(); }

    int maxPositions() { return position.count(); }

    /** Writes the embeddings of every packed token into out [T, hidden]. */
    void forward(TokenBatch batch, Tensor out) {
        if (batch.sequences().maxLength() > position.count()) {
            throw new IllegalArgumentException("a sequence of " + batch.sequences().maxLength() + " tokens exceeds the model's "
                    + position.count() + " positions; truncate the input");
        }
        word.lookup(batch.ids(), out);
        position.accumulate(batch.sequences().positions(), out);
        // DistilBERT has no token types: it ignores the segment ids a BERT tokenizer gives pairs, as HF's does.
        if (tokenType != null) tokenType.accumulate(batch.typeIds() == null ? new int[batch.tokens()] : batch.typeIds(), out);
        norm.forward(out);
    }
}
