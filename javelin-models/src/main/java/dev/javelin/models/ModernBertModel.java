package dev.javelin.models;

import dev.javelin.io.config.Dimensions;
import dev.javelin.io.config.ModernBertConfig;
import dev.javelin.io.safetensors.SafeTensors;
import dev.javelin.kernels.AttentionWindow;
import dev.javelin.kernels.GatedLinearUnit;
import dev.javelin.nn.GatedFeedForward;
import dev.javelin.nn.LayerNorm;
import dev.javelin.nn.Normalization;
import dev.javelin.nn.PreNormBlock;
import dev.javelin.nn.RotaryEmbedding;
import dev.javelin.nn.SelfAttention;
import dev.javelin.nn.TransformerBlock;
import dev.javelin.nn.Workspace;
import dev.javelin.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * ModernBERT (Warner et al. 2024) as Hugging Face's {@code ModernBertModel}: pre-norm layers with a
 * fused QKV projection and GeGLU feed-forward (first half activated), usually without biases;
 * global layers (every {@code global_attn_every_n_layers}-th, from the first) attend to the whole
 * sequence with one rotary θ, the others to ±local_attention/2 tokens with another; the first
 * layer has no attention norm; a final norm closes the stack. Loaded by HF's names ({@code
 * embeddings.tok_embeddings / norm}, {@code layers.N.attn_norm / attn.Wqkv / attn.Wo / mlp_norm /
 * mlp.Wi / mlp.Wo}, {@code final_norm}; under {@code model.} in task checkpoints).
 */
public final class ModernBertModel extends StackedEncoder {
    private ModernBertModel(Embeddings embeddings, List<TransformerBlock> layers, Normalization finalNorm, int maxPositions) {
        super(embeddings, layers, finalNorm, maxPositions);
    }

    public static ModernBertModel load(SafeTensors weights, ModernBertConfig config, WeightDType dtype) throws ModelFormatException {
        Dimensions dims = config.dims();
        int h = dims.hiddenSize(), inner = dims.intermediateSize(), heads = dims.numHeads(), d = h / heads;
        Checkpoint ckpt = Checkpoint.under(weights, dtype, "model.", "embeddings.tok_embeddings.weight");
        BertEmbeddings embeddings = new BertEmbeddings(
                ckpt.tokenEmbedding("embeddings.tok_embeddings.weight", dims.vocabSize(), h), null, null,
                norm(ckpt, config, "embeddings.norm"), 0);
        int positions = dims.maxPositions();
        RotaryEmbedding globalRope = new RotaryEmbedding(RotaryEmbedding.defaultFrequencies(config.globalRopeTheta(), d), d, positions);
        RotaryEmbedding localRope = new RotaryEmbedding(RotaryEmbedding.defaultFrequencies(config.localRopeTheta(), d), d, positions);
        AttentionWindow band = AttentionWindow.band(config.localAttention() / 2);
        List<TransformerBlock> layers = new ArrayList<>();
        for (int i = 0; i < dims.numLayers(); i++) {
            String p = "layers." + i + ".";
            boolean global = config.globalLayers().get(i);
            SelfAttention attention = new SelfAttention(ckpt.linear(p + "attn.Wqkv", h, 3 * h, config.attentionBias()),
                    ckpt.linear(p + "attn.Wo", h, h, config.attentionBias()), heads, heads, d)
                    .withRotary(global ? globalRope : localRope).withWindow(global ? AttentionWindow.FULL : band);
            GatedFeedForward mlp = new GatedFeedForward(ckpt.linear(p + "mlp.Wi", h, 2 * inner, config.mlpBias()),
                    ckpt.linear(p + "mlp.Wo", inner, h, config.mlpBias()), GatedLinearUnit.Activation.GELU, true);
            LayerNorm attnNorm = i == 0 ? null : norm(ckpt, config, p + "attn_norm");
            if (i == 0 && ckpt.has(p + "attn_norm.weight")) {
                throw new ModelFormatException(weights.source() + " has layers.0.attn_norm, which ModernBERT's first layer does not have");
            }
            layers.add(new PreNormBlock(attnNorm, attention, norm(ckpt, config, p + "mlp_norm"), mlp));
        }
        ckpt.rejectExtraLayer("layers." + dims.numLayers() + ".attn.Wqkv.weight", "num_hidden_layers", dims.numLayers());
        return new ModernBertModel(embeddings, layers, norm(ckpt, config, "final_norm"), positions);
    }

    private static LayerNorm norm(Checkpoint ckpt, ModernBertConfig config, String name) throws ModelFormatException {
        return config.normBias() ? ckpt.layerNorm(name, config.dims().hiddenSize(), config.dims().normEps())
                : ckpt.layerNormNoBias(name, config.dims().hiddenSize(), config.dims().normEps());
    }
}
