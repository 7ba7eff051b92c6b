package dev.javelin.models;

import dev.javelin.nn.Normalization;
import dev.javelin.nn.TransformerBlock;
import dev.javelin.nn.Workspace;
import dev.javelin.tensor.Tensor;
import java.util.List;

/**
 * The body every encoder here shares, as candle's {@code Encoder}: input embeddings, the layers run
 * in place, and the final norm of the pre-norm models (null for post-norm ones). A model class keeps
 * what is its own: how its layers are built from the checkpoint, its pooler or head.
 */
abstract sealed class StackedEncoder implements EncoderModel
        permits BertModel, DistilBertModel, MPNetModel, GteModel, NomicBertModel, ModernBertModel, Qwen3Model {

    /** Token ids to the first layer's input. */
    interface Embeddings {
        int hidden();

        /** Writes the embeddings of every packed token into out [T, hidden]. */
        void forward(TokenBatch batch, Tensor out);
    }

    private final Embeddings embeddings;
    private final List<TransformerBlock> layers;
    private final Normalization finalNorm;
    private final int maxPositions;

    /** {@code maxPositions}: the longest sequence the model was trained for; longer ones are rejected before any work. */
    StackedEncoder(Embeddings embeddings, List<TransformerBlock> layers, Normalization finalNorm, int maxPositions) {
        if (finalNorm != null && finalNorm.dim() != embeddings.hidden()) {
            throw new IllegalArgumentException("final norm over " + finalNorm.dim() + " features, hidden size " + embeddings.hidden());
        }
        this.embeddings = embeddings;
        this.layers = List.copyOf(layers);
        this.finalNorm = finalNorm;
        this.maxPositions = maxPositions;
    }

    @Override
    public final int hiddenSize() { return embeddings.hidden(); }

    @Override
    public final int maxPositions() { return maxPositions; }

    public final int layers() { return layers.size(); }

    @Override
    public final Tensor forward(TokenBatch batch, Workspace ws) {
        if (batch.sequences().maxLength() > maxPositions) {
            throw new IllegalArgumentException("a sequence of " + batch.sequences().maxLength() + " tokens exceeds the model's "
                    + maxPositions + " positions; truncate the input");
        }
        Tensor x = ws.tensor("hidden", batch.tokens(), hiddenSize());
        embeddings.forward(batch, x);
        // indexed: an iterator per pass is not scalar-replaced across the blocks' calls
        for (int i = 0; i < layers.size(); i++) layers.get(i).forward(x, batch.sequences(), batch.attentionMask(), ws);
        if (finalNorm != null) finalNorm.forward(x);
        return x;
    }
}
