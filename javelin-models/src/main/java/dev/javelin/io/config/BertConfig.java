package dev.javelin.io.config;

import java.util.Map;

/** TEMPORARY stand-in (see ModelConfig). */
public record BertConfig(String modelType, int vocabSize, int hiddenSize, int numHiddenLayers, int numAttentionHeads,
                         int intermediateSize, String hiddenAct, int maxPositionEmbeddings, int typeVocabSize,
                         double layerNormEps, int padTokenId, Map<Integer, String> id2label, String problemType)
        implements ModelConfig {}
