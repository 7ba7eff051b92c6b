package dev.javelin.engine;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A reranked text: its index among the inputs, the text itself when asked for, and its relevance score. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Rank(int index, String text, float score) {}
