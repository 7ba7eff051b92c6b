package dev.javelin.io.config;

import java.util.Map;

/** TEMPORARY stand-in (see ModelConfig). */
public record DistilBertConfig(int vocabSize, int dim, int nLayers, int nHeads, int hiddenDim, String activation,
                               int maxPositionEmbeddings, int padTokenId, Map<Integer, String> id2label, String problemType)
        implements ModelConfig {
    @Override
    public String modelType() { return "distilbert"; }
}
