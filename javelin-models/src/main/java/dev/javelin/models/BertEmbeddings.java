package dev.javelin.models;

import dev.javelin.nn.Embedding;
import dev.javelin.nn.LayerNorm;
import dev.javelin.tensor.Tensor;

/**
 * BERT-family input embeddings: LN(word[id] + position[offset + pos] + tokenType[type]). DistilBERT
 * and MPNet have no token types ({@code tokenType} null); RoBERTa and MPNet number positions from
 * padding_idx + 1 ({@code positionOffset}); rotary models (GTE, NomicBERT, ModernBERT) have no
 * position table ({@code position} null): their positions enter in attention.
 */
final class BertEmbeddings implements StackedEncoder.Embeddings {
    private final Embedding word;
    private final Embedding position;
    private final Embedding tokenType;
    private final LayerNorm norm;
    private final int positionOffset;

    BertEmbeddings(Embedding word, Embedding position, Embedding tokenType, LayerNorm norm, int positionOffset) {
        int h = word.dim();
        if ((position != null && position.dim() != h) || (tokenType != null && tokenType.dim() != h) || norm.dim() != h) {
            throw new IllegalArgumentException("embedding tables and norm disagree on the hidden size " + h);
        }
        this.word = word;
        this.position = position;
        this.tokenType = tokenType;
        this.norm = norm;
        if (position != null && (positionOffset < 0 || positionOffset >= position.count())) {
            throw new IllegalArgumentException("position offset " + positionOffset + " outside the " + position.count() + " positions");
        }
        this.positionOffset = positionOffset;
    }

    @Override
    public int hidden() { return word.dim(); }

    /** The positions the table covers; unbounded without a table. */
    int maxPositions() { return position == null ? Integer.MAX_VALUE : position.count() - positionOffset; }

    @Override
    public void forward(TokenBatch batch, Tensor out) {
        int tokens = batch.tokens();
        word.lookup(batch.ids(), tokens, out);
        if (position != null) position.accumulatePositions(batch.sequences(), positionOffset, out);
        // DistilBERT has no token types: it ignores the segment ids a BERT tokenizer gives pairs, as HF's does.
        if (tokenType != null) tokenType.accumulate(batch.typeIds() == null ? new int[tokens] : batch.typeIds(), tokens, out);
        norm.forward(out);
    }
}
