package dev.javelin.batch;

/** One output row: the input's id and what the task computed. */
public sealed interface Result {
    String id();

    record Embedding(String id, float[] vector) implements Result {}

    record Classification(String id, String label, float score) implements Result {}

    record Relevance(String id, float score) implements Result {}
}
