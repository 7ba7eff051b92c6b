package dev.javelin.models;

import dev.javelin.io.config.DistilBertConfig;
import dev.javelin.io.safetensors.SafeTensors;
import dev.javelin.nn.EncoderLayer;
import dev.javelin.nn.FeedForward;
import dev.javelin.nn.MultiHeadSelfAttention;
import dev.javelin.nn.Workspace;
import dev.javelin.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * DistilBERT (Sanh et al. 2019) as Hugging Face's {@code DistilBertModel}: BERT's layer structure
 * without token types or pooler, under its own names ({@code embeddings.*},
 * {@code transformer.layer.N.attention.{q,k,v,out}_lin}, {@code sa_layer_norm},
 * {@code ffn.lin1/lin2}, {@code output_layer_norm}; under {@code distilbert.} in task checkpoints).
 */
public final class DistilBertModel implements EncoderModel {
    /** DistilBERT hard-codes its LayerNorm epsilon; it is not in the config. */
    private static final double EPS = 1e-12;

    private final BertEmbeddings embeddings;
    private final List<EncoderLayer> layers;

    private DistilBertModel(BertEmbeddings embeddings, List<EncoderLayer> layers) {
        this.embeddings = embeddings;
        this.layers = layers;
    }

    public static DistilBertModel load(SafeTensors weights, DistilBertConfig config, WeightDType dtype) throws ModelFormatException {
        if (!config.activation().equals("gelu")) {
            throw new ModelFormatException("activation " + config.activation() + " is not supported; DistilBERT models here use GELU");
        }
        int h = config.dim(), inner = config.hiddenDim();
        Checkpoint ckpt = Checkpoint.under(weights, dtype, "distilbert.", "embeddings.word_embeddings.weight");
        BertEmbeddings embeddings = new BertEmbeddings(
                ckpt.tokenEmbedding("embeddings.word_embeddings.weight", config.vocabSize(), h),
                ckpt.embedding("embeddings.position_embeddings.weight", config.maxPositionEmbeddings(), h),
                null,
                ckpt.layerNorm("embeddings.LayerNorm", h, EPS), 0);
        List<EncoderLayer> layers = new ArrayList<>();
        for (int i = 0; i < config.nLayers(); i++) {
            String p = "transformer.layer." + i + ".";
            MultiHeadSelfAttention attention = new MultiHeadSelfAttention(
                    ckpt.linear(p + "attention.q_lin", h, h), ckpt.linear(p + "attention.k_lin", h, h),
                    ckpt.linear(p + "attention.v_lin", h, h), ckpt.linear(p + "attention.out_lin", h, h),
                    config.nHeads());
            FeedForward ffn = new FeedForward(ckpt.linear(p + "ffn.lin1", h, inner), ckpt.linear(p + "ffn.lin2", inner, h));
            layers.add(new EncoderLayer(attention, ckpt.layerNorm(p + "sa_layer_norm", h, EPS), ffn,
                    ckpt.layerNorm(p + "output_layer_norm", h, EPS)));
        }
        if (ckpt.has("transformer.layer." + config.nLayers() + ".attention.q_lin.weight")) {
            throw new ModelFormatException(weights.source() + " has more layers than n_layers = " + config.nLayers());
        }
        return new DistilBertModel(embeddings, List.copyOf(layers));
    }

    @Override
    public int hiddenSize() { return embeddings.hidden(); }

    @Override
    public int maxPositions() { return embeddings.maxPositions(); }

    @Override
    public Tensor forward(TokenBatch batch, Workspace ws) {
        Tensor x = ws.tensor("hidden", batch.tokens(), hiddenSize());
        embeddings.forward(batch, x);
        for (EncoderLayer layer : layers) layer.forward(x, batch.sequences(), batch.attentionMask(), ws);
        return x;
    }
}
