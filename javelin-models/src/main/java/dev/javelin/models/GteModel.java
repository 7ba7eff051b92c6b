package dev.javelin.models;

import dev.javelin.io.config.Dimensions;
import dev.javelin.io.config.GteConfig;
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
 * The "new" GTE architecture as its remote code's {@code NewModel} (Alibaba-NLP/new-impl, behind
 * gte-base/large-en-v1.5 and gte-multilingual-base): post-norm layers with a fused QKV projection,
 * rotary positions (NTK-scaled when the config says so) and a GeGLU feed-forward whose second half
 * is the gate. Loaded by its names ({@code embeddings.word_embeddings}, {@code
 * embeddings.token_type_embeddings}, {@code embeddings.LayerNorm}, {@code
 * encoder.layer.N.attention.qkv_proj / o_proj}, {@code attn_ln}, {@code mlp.up_gate_proj},
 * {@code mlp.down_proj}, {@code mlp_ln}; under {@code new.} in task checkpoints).
 */
public final class GteModel extends StackedEncoder {
    private GteModel(BertEmbeddings embeddings, List<TransformerBlock> layers, int maxPositions) {
        super(embeddings, layers, null, maxPositions);
    }

    public static GteModel load(SafeTensors weights, GteConfig config, WeightDType dtype) throws ModelFormatException {
        Dimensions dims = config.dims();
        int h = dims.hiddenSize(), inner = dims.intermediateSize(), heads = dims.numHeads(), d = h / heads;
        double eps = dims.normEps();
        Checkpoint ckpt = Checkpoint.under(weights, dtype, "new.", "embeddings.word_embeddings.weight");
        BertEmbeddings embeddings = new BertEmbeddings(
                ckpt.tokenEmbedding("embeddings.word_embeddings.weight", dims.vocabSize(), h), null,
                config.typeVocabSize() > 0 ? ckpt.embedding("embeddings.token_type_embeddings.weight", config.typeVocabSize(), h) : null,
                ckpt.layerNorm("embeddings.LayerNorm", h, eps), 0);
        RotaryEmbedding rope = new RotaryEmbedding(frequencies(config, d), d, dims.maxPositions());
        List<TransformerBlock> layers = new ArrayList<>();
        for (int i = 0; i < dims.numLayers(); i++) {
            String p = "encoder.layer." + i + ".";
            SelfAttention attention = new SelfAttention(ckpt.linear(p + "attention.qkv_proj", h, 3 * h),
                    ckpt.linear(p + "attention.o_proj", h, h), heads, heads, d).withRotary(rope);
            GatedFeedForward mlp = new GatedFeedForward(ckpt.linearNoBias(p + "mlp.up_gate_proj", h, 2 * inner),
                    ckpt.linear(p + "mlp.down_proj", inner, h), GatedLinearUnit.Activation.GELU, false);
            layers.add(new PostNormBlock(attention, ckpt.layerNorm(p + "attn_ln", h, eps), mlp, ckpt.layerNorm(p + "mlp_ln", h, eps)));
        }
        ckpt.rejectExtraLayer("encoder.layer." + dims.numLayers() + ".attention.qkv_proj.weight", "num_hidden_layers",
                dims.numLayers());
        return new GteModel(embeddings, layers, dims.maxPositions());
    }

    /**
     * NTKScalingRotaryEmbedding: its cache covers max_position_embeddings · factor, longer than
     * max_position_embeddings, so the scaled frequencies — base · factor, then divided by
     * factor^(2/d) — are the ones always used.
     */
    static float[] frequencies(GteConfig config, int d) {
        double factor = config.ntkFactor();
        float[] f = RotaryEmbedding.defaultFrequencies(config.ropeTheta() * factor, d);
        if (factor != 1) {
            float divisor = (float) Math.pow(factor, 2.0 / d);
            for (int c = 0; c < f.length; c++) f[c] /= divisor;
        }
        return f;
    }
}
