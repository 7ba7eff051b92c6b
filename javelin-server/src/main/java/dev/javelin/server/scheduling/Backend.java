package dev.javelin.server.scheduling;

import dev.javelin.engine.Engine;
import dev.javelin.tokenizers.Encoding;
import java.util.List;

/**
 * The forward passes the batching queue drives: each runs the batch it is handed (packed, never
 * padded) and returns one result per input, in order. Called from the queue's single batch loop, one
 * batch at a time; the engine parallelises inside a batch. Tests substitute a recording one.
 */
public interface Backend {

    /** Pooled sentence embeddings (not normalised), the first {@code outsidePooling[i]} tokens of input i left out of the pooling. */
    float[][] embed(List<Encoding> batch, int[] outsidePooling);

    /** The last hidden state of every token of every input. */
    float[][][] embedAll(List<Encoding> batch);

    /** Raw logits of the classification head. */
    float[][] predict(List<Encoding> batch);

    /** The engine's forward stage. */
    static Backend of(Engine engine) {
        return new Backend() {
            @Override
            public float[][] embed(List<Encoding> batch, int[] outsidePooling) {
                return engine.pooled(batch, outsidePooling);
            }

            @Override
            public float[][][] embedAll(List<Encoding> batch) {
                return engine.tokenVectors(batch);
            }

            @Override
            public float[][] predict(List<Encoding> batch) {
                return engine.logits(batch);
            }
        };
    }
}
