package dev.javelin.models;

import dev.javelin.io.config.Dimensions;
import dev.javelin.io.config.MPNetConfig;
import dev.javelin.io.safetensors.SafeTensors;
import dev.javelin.nn.FeedForward;
import dev.javelin.nn.PostNormBlock;
import dev.javelin.nn.RelativePositionBias;
import dev.javelin.nn.SelfAttention;
import dev.javelin.nn.TransformerBlock;
import dev.javelin.nn.Workspace;
import dev.javelin.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * MPNet (Song et al. 2020) as Hugging Face's {@code MPNetModel} — the network of
 * sentence-transformers/all-mpnet-base-v2: BERT's post-norm layers without token types, positions
 * numbered from padding_idx + 1 as RoBERTa's, and a learned relative-position bias (T5-style
 * buckets shared by all layers) added to every attention score. Loaded by HF's names
 * ({@code embeddings.*}, {@code encoder.layer.N.attention.attn.{q,k,v,o}}, {@code
 * encoder.layer.N.attention.LayerNorm}, {@code intermediate.dense}, {@code output.dense},
 * {@code output.LayerNorm}, {@code encoder.relative_attention_bias}; under {@code mpnet.} in task checkpoints).
 */
public final class MPNetModel extends StackedEncoder {
    /** MPNetEmbeddings hard-codes padding_idx = 1 whatever the config says. */
    private static final int PADDING_IDX = 1;
    /** MPNetEncoder.relative_position_bucket's max_distance. */
    private static final int MAX_DISTANCE = 128;

    private MPNetModel(BertEmbeddings embeddings, List<TransformerBlock> layers, int maxPositions) {
        super(embeddings, layers, null, maxPositions);
    }

    public static MPNetModel load(SafeTensors weights, MPNetConfig config, WeightDType dtype) throws ModelFormatException {
        Dimensions dims = config.dims();
        int h = dims.hiddenSize(), inner = dims.intermediateSize(), heads = dims.numHeads();
        double eps = dims.normEps();
        Checkpoint ckpt = Checkpoint.under(weights, dtype, "mpnet.", "embeddings.word_embeddings.weight");
        BertEmbeddings embeddings = new BertEmbeddings(
                ckpt.tokenEmbedding("embeddings.word_embeddings.weight", dims.vocabSize(), h),
                ckpt.embedding("embeddings.position_embeddings.weight", dims.maxPositions(), h),
                null, ckpt.layerNorm("embeddings.LayerNorm", h, eps), PADDING_IDX + 1);
        RelativePositionBias bias = relativeBias(
                ckpt.tensor("encoder.relative_attention_bias.weight", config.relativeAttentionNumBuckets(), heads),
                embeddings.maxPositions());
        List<TransformerBlock> layers = new ArrayList<>();
        for (int i = 0; i < dims.numLayers(); i++) {
            String p = "encoder.layer." + i + ".";
            String a = p + "attention.attn.";
            SelfAttention attention = new SelfAttention(
                    ckpt.stacked(List.of(a + "q", a + "k", a + "v"), h, new int[] {h, h, h}, true), ckpt.linear(a + "o", h, h),
                    heads, heads, h / heads).withRelativeBias(bias);
            layers.add(new PostNormBlock(attention, ckpt.layerNorm(p + "attention.LayerNorm", h, eps),
                    new FeedForward(ckpt.linear(p + "intermediate.dense", h, inner), ckpt.linear(p + "output.dense", inner, h)),
                    ckpt.layerNorm(p + "output.LayerNorm", h, eps)));
        }
        ckpt.rejectExtraLayer("encoder.layer." + dims.numLayers() + ".attention.attn.q.weight", "num_hidden_layers",
                dims.numLayers());
        return new MPNetModel(embeddings, layers, embeddings.maxPositions());
    }

    /**
     * The bias table [buckets, heads] read through MPNet's bucketing of relative positions: exact
     * for the nearest few, then logarithmic up to {@value #MAX_DISTANCE}, separately for each side.
     */
    private static RelativePositionBias relativeBias(Tensor table, int maxPositions) {
        int buckets = table.dim(0), span = maxPositions - 1;
        int[] bucketOf = new int[2 * span + 1];
        for (int r = -span; r <= span; r++) bucketOf[r + span] = bucket(r, buckets, MAX_DISTANCE);
        float[] values = table.toArray();
        int heads = table.dim(1);
        return (head, length) -> {
            float[] out = new float[2 * length - 1];
            for (int r = 1 - length; r < length; r++) out[r + length - 1] = values[bucketOf[r + span] * heads + head];
            return out;
        };
    }

    /**
     * MPNetEncoder.relative_position_bucket for relative position j − i, in float32 arithmetic as
     * PyTorch evaluates it (the truncation at bucket edges depends on it).
     */
    static int bucket(int relative, int numBuckets, int maxDistance) {
        int half = numBuckets / 2, maxExact = half / 2;
        int n = -relative;
        int ret = n < 0 ? half : 0;
        n = Math.abs(n);
        if (n < maxExact) return ret + n;
        float log = (float) Math.log((float) n / maxExact);
        float scaled = log / (float) Math.log((double) maxDistance / maxExact) * (half - maxExact);
        return ret + Math.min(maxExact + (int) scaled, half - 1);
    }
}
