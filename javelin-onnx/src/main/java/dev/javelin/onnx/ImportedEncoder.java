package dev.javelin.onnx;

import java.util.List;

/**
 * What {@link BertGraphImporter} recovered from an ONNX graph: the architecture hyper-parameters
 * (everything {@code config.json} needs) and every weight under its Hugging Face name.
 */
public record ImportedEncoder(
        int vocabSize,
        int hiddenSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int intermediateSize,
        String hiddenAct,
        int maxPositionEmbeddings,
        int typeVocabSize,
        double layerNormEps,
        List<EncoderWeight> weights) {
}
