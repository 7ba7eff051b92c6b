package dev.javelin.pipelines;

import java.util.Objects;

/** One input text, optionally with a second text for pair tasks (cross-encoders, NLI). */
public record TextInput(String text, String textPair) {
    public TextInput {
        Objects.requireNonNull(text, "text");
    }

    public static TextInput of(String text) {
        return new TextInput(text, null);
    }
}
