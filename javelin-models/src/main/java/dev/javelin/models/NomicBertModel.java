package dev.javelin.models;

import dev.javelin.io.config.Dimensions;
import dev.javelin.io.config.NomicBertConfig;
import dev.javelin.io.safetensors.SafeTensors;
import dev.javelin.kernels.GatedLinearUnit;
import dev.javelin.nn.GatedFeedForward;
import dev.javelin.nn.PostNormBlock;
import dev.javelin.nn.RotaryEmbedding;
import dev.javelin.nn.SelfAttention;
import dev.javelin.nn.TransformerBlock;
import dev.javelin.nn.Workspace;
import dev.javelin.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * NomicBERT as its remote code's {@code NomicBertModel} (nomic-ai/nomic-bert-2048, behind
 * nomic-embed-text-v1/v1.5): post-norm layers with a fused QKV projection, rotary positions on the
 * whole head, and a SwiGLU feed-forward fc2(fc11(x) ⊙ SiLU(fc12(x))), by default without biases.
 * Loaded by its names ({@code embeddings.word_embeddings}, {@code embeddings.token_type_embeddings},
 * {@code emb_ln}, {@code encoder.layers.N.attn.Wqkv / out_proj}, {@code norm1}, {@code
 * mlp.fc11 / fc12 / fc2}, {@code norm2}; under {@code bert.} in task checkpoints).
 */
public final class NomicBertModel extends StackedEncoder {
    private NomicBertModel(BertEmbeddings embeddings, List<TransformerBlock> layers, int maxPositions) {
        super(embeddings, layers, null, maxPositions);
    }

    public static NomicBertModel load(SafeTensors weights, NomicBertConfig config, WeightDType dtype) throws ModelFormatException {
        Dimensions dims = config.dims();
        int h = dims.hiddenSize(), inner = dims.intermediateSize(), heads = dims.numHeads(), d = h / heads;
        double eps = dims.normEps();
        Checkpoint ckpt = Checkpoint.under(weights, dtype, "bert.", "embeddings.word_embeddings.weight");
        BertEmbeddings embeddings = new BertEmbeddings(
                ckpt.tokenEmbedding("embeddings.word_embeddings.weight", dims.vocabSize(), h), null,
                config.typeVocabSize() > 0 ? ckpt.embedding("embeddings.token_type_embeddings.weight", config.typeVocabSize(), h) : null,
                ckpt.layerNorm("emb_ln", h, eps), 0);
        RotaryEmbedding rope = new RotaryEmbedding(RotaryEmbedding.defaultFrequencies(config.rotaryEmbBase(), d), d, dims.maxPositions());
        List<TransformerBlock> layers = new ArrayList<>();
        for (int i = 0; i < dims.numLayers(); i++) {
            String p = "encoder.layers." + i + ".";
            SelfAttention attention = new SelfAttention(ckpt.linear(p + "attn.Wqkv", h, 3 * h, config.qkvProjBias()),
                    ckpt.linear(p + "attn.out_proj", h, h, config.qkvProjBias()), heads, heads, d).withRotary(rope);
            GatedFeedForward mlp = new GatedFeedForward(
                    ckpt.stacked(List.of(p + "mlp.fc11", p + "mlp.fc12"), h, new int[] {inner, inner}, config.mlpFc1Bias()),
                    ckpt.linear(p + "mlp.fc2", inner, h, config.mlpFc2Bias()), GatedLinearUnit.Activation.SILU, false);
            layers.add(new PostNormBlock(attention, ckpt.layerNorm(p + "norm1", h, eps), mlp, ckpt.layerNorm(p + "norm2", h, eps)));
        }
        ckpt.rejectExtraLayer("encoder.layers." + dims.numLayers() + ".attn.Wqkv.weight", "n_layer", dims.numLayers());
        return new NomicBertModel(embeddings, layers, dims.maxPositions());
    }
}
