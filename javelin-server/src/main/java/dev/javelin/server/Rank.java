package dev.javelin.server;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One text's place in a /rerank answer; the text itself only when the request asked for it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Rank(int index, String text, float score) {
}
