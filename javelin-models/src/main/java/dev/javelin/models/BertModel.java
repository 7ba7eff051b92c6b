package dev.javelin.models;

import dev.javelin.io.config.BertConfig;
import dev.javelin.io.safetensors.SafeTensors;
import dev.javelin.kernels.Tanh;
import dev.javelin.nn.FeedForward;
import dev.javelin.nn.LayerNorm;
import dev.javelin.nn.Linear;
import dev.javelin.nn.PackedSequences;
import dev.javelin.nn.PostNormBlock;
import dev.javelin.nn.SelfAttention;
import dev.javelin.nn.TransformerBlock;
import dev.javelin.nn.Workspace;
import dev.javelin.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * BERT (Devlin et al. 2019) as Hugging Face's {@code BertModel}: embeddings, a stack of post-norm
 * encoder layers and the optional pooler, loaded from a checkpoint by HF's own tensor names
 * ({@code embeddings.*}, {@code encoder.layer.N.*}, {@code pooler.dense.*}, under {@code bert.} in
 * task checkpoints). RoBERTa and its descendants (XLM-R, CamemBERT) are the same network under the
 * same names ({@code roberta.} in task checkpoints) whose positions start after the padding id.
 */
public final class BertModel extends StackedEncoder {
    private final Linear pooler;

    private BertModel(BertEmbeddings embeddings, List<TransformerBlock> layers, Linear pooler) {
        super(embeddings, layers, null, embeddings.maxPositions());
        this.pooler = pooler;
    }

    public static BertModel load(SafeTensors weights, BertConfig config, WeightDType dtype) throws ModelFormatException {
        if (!"absolute".equals(config.positionEmbeddingType())) {
            throw new ModelFormatException("position_embedding_type " + config.positionEmbeddingType() + " is not supported; only \"absolute\"");
        }
        if (!config.hiddenAct().equals("gelu")) {
            throw new ModelFormatException("hidden_act " + config.hiddenAct() + " is not supported; BERT models here use exact GELU (\"gelu\")");
        }
        int h = config.hiddenSize(), inner = config.intermediateSize();
        double eps = config.layerNormEps();
        boolean roberta = config.robertaPositions();
        Checkpoint ckpt = Checkpoint.under(weights, dtype, roberta ? "roberta." : "bert.", "embeddings.word_embeddings.weight");
        BertEmbeddings embeddings = new BertEmbeddings(
                ckpt.tokenEmbedding("embeddings.word_embeddings.weight", config.vocabSize(), h),
                ckpt.embedding("embeddings.position_embeddings.weight", config.maxPositionEmbeddings(), h),
                ckpt.embedding("embeddings.token_type_embeddings.weight", config.typeVocabSize(), h),
                ckpt.layerNorm("embeddings.LayerNorm", h, eps),
                roberta ? config.padTokenId() + 1 : 0);
        List<TransformerBlock> layers = new ArrayList<>();
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            String p = "encoder.layer." + i + ".";
            String a = p + "attention.self.";
            int heads = config.numAttentionHeads();
            SelfAttention attention = new SelfAttention(
                    ckpt.stacked(List.of(a + "query", a + "key", a + "value"), h, new int[] {h, h, h}, true),
                    ckpt.linear(p + "attention.output.dense", h, h), heads, heads, h / heads);
            LayerNorm attentionNorm = ckpt.layerNorm(p + "attention.output.LayerNorm", h, eps);
            FeedForward ffn = new FeedForward(ckpt.linear(p + "intermediate.dense", h, inner), ckpt.linear(p + "output.dense", inner, h));
            layers.add(new PostNormBlock(attention, attentionNorm, ffn, ckpt.layerNorm(p + "output.LayerNorm", h, eps)));
        }
        ckpt.rejectExtraLayer("encoder.layer." + config.numHiddenLayers() + ".attention.self.query.weight", "num_hidden_layers",
                config.numHiddenLayers());
        Linear pooler = ckpt.has("pooler.dense.weight") ? ckpt.linear("pooler.dense", h, h) : null;
        return new BertModel(embeddings, layers, pooler);
    }


    public boolean hasPooler() { return pooler != null; }

    /** BERT's pooler: tanh(dense(h[first token])) per sequence, [sequences, hidden] in {@code ws}. */
    public Tensor pool(Tensor hidden, PackedSequences seqs, Workspace ws) {
        if (pooler == null) throw new UnsupportedOperationException("this checkpoint has no pooler (pooler.dense.*)");
        Tensor first = firstTokens(hidden, seqs, ws);
        Tensor out = ws.tensor("pooler.out", seqs.count(), hiddenSize());
        pooler.forward(first, out);
        Tanh.apply(out);
        return out;
    }

    /** The first ([CLS]) token's row of every sequence, gathered into [sequences, hidden]. */
    static Tensor firstTokens(Tensor hidden, PackedSequences seqs, Workspace ws) {
        int h = hidden.dim(1);
        Tensor first = ws.tensor("first-tokens", seqs.count(), h);
        for (int s = 0; s < seqs.count(); s++) {
            Tensor src = hidden.get0(seqs.start(s)), dst = first.get0(s);
            MemorySegment.copy(src.segment(), src.byteOffset(), dst.segment(), dst.byteOffset(), (long) h * Float.BYTES);
        }
        return first;
    }
}
