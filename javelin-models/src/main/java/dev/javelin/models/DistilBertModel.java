package dev.javelin.models;

import dev.javelin.io.config.DistilBertConfig;
import dev.javelin.io.safetensors.SafeTensors;
import dev.javelin.nn.FeedForward;
import dev.javelin.nn.PostNormBlock;
import dev.javelin.nn.SelfAttention;
import dev.javelin.nn.TransformerBlock;
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
public final class DistilBertModel extends StackedEncoder {
    /** DistilBERT hard-codes its LayerNorm epsilon; it is not in the config. */
    private static final double EPS = 1e-12;

    private DistilBertModel(BertEmbeddings embeddings, List<TransformerBlock> layers, int maxPositions) {
        super(embeddings, layers, null, maxPositions);
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
        List<TransformerBlock> layers = new ArrayList<>();
        for (int i = 0; i < config.nLayers(); i++) {
            String p = "transformer.layer." + i + ".";
            String a = p + "attention.";
            SelfAttention attention = new SelfAttention(
                    ckpt.stacked(List.of(a + "q_lin", a + "k_lin", a + "v_lin"), h, new int[] {h, h, h}, true),
                    ckpt.linear(a + "out_lin", h, h), config.nHeads(), config.nHeads(), h / config.nHeads());
            FeedForward ffn = new FeedForward(ckpt.linear(p + "ffn.lin1", h, inner), ckpt.linear(p + "ffn.lin2", inner, h));
            layers.add(new PostNormBlock(attention, ckpt.layerNorm(p + "sa_layer_norm", h, EPS), ffn,
                    ckpt.layerNorm(p + "output_layer_norm", h, EPS)));
        }
        ckpt.rejectExtraLayer("transformer.layer." + config.nLayers() + ".attention.q_lin.weight", "n_layers", config.nLayers());
        return new DistilBertModel(embeddings, layers, embeddings.maxPositions());
    }
}
