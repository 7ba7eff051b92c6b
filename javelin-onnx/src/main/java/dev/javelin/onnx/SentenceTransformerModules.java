package dev.javelin.onnx;

import dev.javelin.io.source.PoolingConfig;

/**
 * The sentence-transformers set-up a converted directory gets ({@code modules.json},
 * {@code 1_Pooling/config.json}, {@code sentence_bert_config.json}). None of it is in an ONNX
 * encoder export, so the caller states it, best copied from the model's published files.
 *
 * @param pooling      the sentence pooling the model was trained with
 * @param normalize    whether {@code modules.json} ends with a Normalize module
 * @param maxSeqLength sentence_bert_config.json's {@code max_seq_length}, where sentence-transformers
 *                     truncates; 0 when not known: then the tokenizer's truncation length, else the
 *                     model's positions
 * @param doLowerCase  sentence_bert_config.json's {@code do_lower_case}
 */
public record SentenceTransformerModules(PoolingConfig.Mode pooling, boolean normalize, int maxSeqLength, boolean doLowerCase) {

    public SentenceTransformerModules {
        if (pooling == null) throw new IllegalArgumentException("pooling is required");
        if (maxSeqLength < 0) throw new IllegalArgumentException("max_seq_length must not be negative, is " + maxSeqLength);
    }

    /** {@code pooling} and {@code normalize} as stated, max_seq_length not known, no lower-casing. */
    public static SentenceTransformerModules of(PoolingConfig.Mode pooling, boolean normalize) {
        return new SentenceTransformerModules(pooling, normalize, 0, false);
    }
}
