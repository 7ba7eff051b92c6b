package dev.javelin.pipelines;

/** A reranked text: its index among the inputs and its relevance score. */
public record Rank(int index, float score) {}
