package dev.javelin.models;

import dev.javelin.nn.TransformerBlock;
import dev.javelin.nn.Workspace;
import dev.javelin.tensor.Tensor;
import java.util.List;

/** The forward pass the encoders share: embeddings, then every layer in place. */
final class Encoders {
    private Encoders() {}

    /** Rejects sequences past {@code maxPositions} (the model's trained length) before any work. */
    static Tensor run(BertEmbeddings embeddings, List<TransformerBlock> layers, TokenBatch batch, Workspace ws, int maxPositions) {
        if (batch.sequences().maxLength() > maxPositions) {
            throw new IllegalArgumentException("a sequence of " + batch.sequences().maxLength() + " tokens exceeds the model's "
                    + maxPositions + " positions; truncate the input");
        }
        Tensor x = ws.tensor("hidden", batch.tokens(), embeddings.hidden());
        embeddings.forward(batch, x);
        for (TransformerBlock layer : layers) layer.forward(x, batch.sequences(), batch.attentionMask(), ws);
        return x;
    }
}
