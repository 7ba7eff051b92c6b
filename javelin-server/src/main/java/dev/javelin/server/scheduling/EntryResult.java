package dev.javelin.server.scheduling;

/**
 * The forward-pass output for one queued input, with how long it waited and how long its batch took.
 *
 * @param vector         the pooled embedding or the logits; null for {@link OutputKind#ALL_TOKENS}
 * @param tokens         the per-token hidden states; null otherwise
 * @param queueNanos     from entering the queue to its batch starting
 * @param inferenceNanos the forward pass of its batch
 */
public record EntryResult(float[] vector, float[][] tokens, long queueNanos, long inferenceNanos) {
}
