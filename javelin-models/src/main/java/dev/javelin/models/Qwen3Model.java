package dev.javelin.models;

import dev.javelin.io.config.Qwen3Config;
import dev.javelin.io.safetensors.SafeTensors;
import dev.javelin.kernels.AttentionWindow;
import dev.javelin.kernels.GatedLinearUnit;
import dev.javelin.nn.Embedding;
import dev.javelin.nn.GatedFeedForward;
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
 * Qwen3 as Hugging Face's {@code Qwen3Model} — the decoder under Qwen3-Embedding and
 * Qwen3-Reranker, run as an encoder of whole sequences: pre-norm layers with RMSNorm, causal
 * grouped-query attention (num_attention_heads query heads over num_key_value_heads K/V heads of
 * head_dim each, queries and keys RMS-normalised per head, then rotated), SwiGLU
 * down(SiLU(gate) ⊙ up), and a final RMSNorm. Embedders pool the last token, which has seen the
 * whole text. Loaded by HF's names ({@code embed_tokens}, {@code layers.N.input_layernorm /
 * self_attn.{q,k,v,o}_proj / self_attn.{q,k}_norm / post_attention_layernorm /
 * mlp.{gate,up,down}_proj}, {@code norm}; under {@code model.} in causal-LM checkpoints).
 */
public final class Qwen3Model extends StackedEncoder {
    private Qwen3Model(Embeddings embeddings, List<TransformerBlock> layers, Normalization finalNorm, int maxPositions) {
        super(embeddings, layers, finalNorm, maxPositions);
    }

    public static Qwen3Model load(SafeTensors weights, Qwen3Config config, WeightDType dtype) throws ModelFormatException {
        if (!config.hiddenAct().equals("silu")) {
            throw new ModelFormatException("hidden_act " + config.hiddenAct() + " is not supported; Qwen3 models use \"silu\"");
        }
        int h = config.hiddenSize(), inner = config.intermediateSize(), heads = config.numAttentionHeads();
        int kv = config.numKeyValueHeads(), d = config.headDim();
        double eps = config.rmsNormEps();
        boolean bias = config.attentionBias();
        Checkpoint ckpt = Checkpoint.under(weights, dtype, "model.", "embed_tokens.weight");
        RotaryEmbedding rope = new RotaryEmbedding(RotaryEmbedding.defaultFrequencies(config.ropeTheta(), d), d,
                config.maxPositionEmbeddings());
        List<TransformerBlock> layers = new ArrayList<>();
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            String p = "layers." + i + ".", a = p + "self_attn.";
            SelfAttention attention = new SelfAttention(
                    ckpt.stacked(List.of(a + "q_proj", a + "k_proj", a + "v_proj"), h, new int[] {heads * d, kv * d, kv * d}, bias),
                    ckpt.linear(a + "o_proj", heads * d, h, bias), heads, kv, d)
                    .withHeadNorms(ckpt.rmsNorm(a + "q_norm", d, eps), ckpt.rmsNorm(a + "k_norm", d, eps))
                    .withRotary(rope).withWindow(AttentionWindow.CAUSAL);
            GatedFeedForward mlp = new GatedFeedForward(
                    ckpt.stacked(List.of(p + "mlp.gate_proj", p + "mlp.up_proj"), h, new int[] {inner, inner}, false),
                    ckpt.linearNoBias(p + "mlp.down_proj", inner, h), GatedLinearUnit.Activation.SILU, true);
            layers.add(new PreNormBlock(ckpt.rmsNorm(p + "input_layernorm", h, eps), attention,
                    ckpt.rmsNorm(p + "post_attention_layernorm", h, eps), mlp));
        }
        ckpt.rejectExtraLayer("layers." + config.numHiddenLayers() + ".self_attn.q_proj.weight", "num_hidden_layers",
                config.numHiddenLayers());
        return new Qwen3Model(new TokenEmbeddings(ckpt.tokenEmbedding("embed_tokens.weight", config.vocabSize(), h)),
                layers, ckpt.rmsNorm("norm", h, eps), config.maxPositionEmbeddings());
    }

    /** embed_tokens: a plain lookup, without positions (rotary, in attention) or norm. */
    private record TokenEmbeddings(Embedding table) implements StackedEncoder.Embeddings {
        @Override
        public int hidden() { return table.dim(); }

        @Override
        public void forward(TokenBatch batch, Tensor out) { table.lookup(batch.ids(), batch.tokens(), out); }
    }
}
