package dev.javelin.models;

import dev.javelin.kernels.Rows;
import dev.javelin.nn.Embedding;
import dev.javelin.nn.LayerNorm;
import dev.javelin.nn.PackedSequences;
import dev.javelin.tensor.Tensor;
import java.util.function.LongConsumer;

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
        if (tokenType != null && tokenType.count() == 0) throw new IllegalArgumentException("the token-type embedding table has no rows");
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
        word.requireIds(batch.ids(), tokens, out);
        if (position != null) position.requirePositions(batch.sequences(), positionOffset, out);
        // DistilBERT has no token types: it ignores the segment ids a BERT tokenizer gives pairs, as HF's does.
        if (tokenType != null && batch.typeIds() != null) tokenType.requireIds(batch.typeIds(), tokens, out);
        RowSum sum = RowSum.OF_THREAD.get();
        if (sum.batch != null) sum = new RowSum(); // embeddings run from inside another's rows
        sum.embeddings = this;
        sum.batch = batch;
        sum.out = out;
        try {
            Rows.forEach(out, sum);
        } finally {
            sum.embeddings = null;
            sum.batch = null;
            sum.out = null;
        }
        norm.forward(out);
    }

    /**
     * One token's sum of its word, position and token-type rows, in that order (the order of HF's
     * additions): each row of the output is written once, while it is in cache, and a batch's rows
     * run on the pool. One per thread, refilled by each pass, so that a pass hands the pool no new
     * loop body.
     */
    private static final class RowSum implements LongConsumer {
        private static final ThreadLocal<RowSum> OF_THREAD = ThreadLocal.withInitial(RowSum::new);

        private BertEmbeddings embeddings;
        /** The pass's tokens while a call runs; null while free. */
        private TokenBatch batch;
        private Tensor out;

        @Override
        public void accept(long row) {
            BertEmbeddings e = embeddings;
            int t = (int) row;
            e.word.gatherRow(batch.ids()[t], out, t, false);
            if (e.position != null) {
                PackedSequences seqs = batch.sequences();
                e.position.gatherRow(e.positionOffset + t - seqs.start(seqs.sequenceOf(t)), out, t, true);
            }
            if (e.tokenType != null) e.tokenType.gatherRow(batch.typeIds() == null ? 0 : batch.typeIds()[t], out, t, true);
        }
    }
}
