package dev.javelin.server;

import dev.javelin.tokenizers.Encoding;
import java.util.List;

/**
 * The model as the batching queue drives it: one forward pass over a batch of tokenized inputs of
 * mixed lengths (packed, never padded), each with its special tokens and within the model's maximum
 * length. Called from the queue's single batch loop, one batch at a
 * time; an implementation parallelises inside a batch. Each method returns one result per input, in
 * order.
 */
public interface Backend extends AutoCloseable {

    BackendInfo info();

    /** Pooled sentence embeddings (the model's pooling, not normalised). */
    float[][] embed(List<Encoding> batch);

    /** The last hidden state of every token of every input. */
    float[][][] embedAll(List<Encoding> batch);

    /** Raw logits of the classification head. */
    float[][] predict(List<Encoding> batch);

    @Override
    void close();
}
