package dev.javelin.server.scheduling;

/**
 * What serving a request cost, as TEI reports it in response headers and metrics: stage durations
 * are per-input averages for batch requests.
 *
 * @param chars              characters the client sent
 * @param tokens             tokens computed
 * @param startNanos         when the request started, on {@link System#nanoTime()}'s clock
 * @param tokenizationNanos  tokenization (including the wait for a tokenizer thread)
 * @param queueNanos         wait in the batching queue
 * @param inferenceNanos     the forward pass of the input's batch
 */
public record Timings(int chars, int tokens, long startNanos, long tokenizationNanos, long queueNanos,
                      long inferenceNanos) {

    /** Total so far, in nanoseconds. */
    public long totalNanos() {
        return System.nanoTime() - startNanos;
    }
}
