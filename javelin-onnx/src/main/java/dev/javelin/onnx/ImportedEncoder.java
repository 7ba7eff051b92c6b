package dev.javelin.onnx;

import java.util.List;

/**
 * What {@link BertGraphImporter} recovered from an ONNX graph: the family, the architecture
 * hyper-parameters (everything {@code config.json} needs) and every weight under its Hugging Face
 * name. {@code typeVocabSize} is 0 for DistilBERT (no token type table); {@code paddingIdx} is the
 * padding id RoBERTa-family positions count from, −1 for absolute positions.
 */
public record ImportedEncoder(
        Family family,
        int vocabSize,
        int hiddenSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int intermediateSize,
        String hiddenAct,
        int maxPositionEmbeddings,
        int typeVocabSize,
        double layerNormEps,
        int paddingIdx,
        List<EncoderWeight> weights) {

    /** The Hugging Face model families an encoder export can come from, told apart by its embeddings. */
    public enum Family {
        /** Word + token type (from token_type_ids) + absolute positions. */
        BERT,
        /** Word + absolute positions, no token types; DistilBERT's own weight names. */
        DISTILBERT,
        /** Positions numbered from padding_idx + 1 over the real tokens (RoBERTa, XLM-R, CamemBERT). */
        ROBERTA
    }

    /** The longest sequence the position table covers: RoBERTa's first padding_idx + 1 rows are never used. */
    public int usablePositions() {
        return family == Family.ROBERTA ? maxPositionEmbeddings - paddingIdx - 1 : maxPositionEmbeddings;
    }
}
