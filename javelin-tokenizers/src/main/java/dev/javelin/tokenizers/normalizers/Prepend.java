package dev.javelin.tokenizers.normalizers;

import dev.javelin.tokenizers.NormalizedString;

/** {@code Prepend}: puts a string (e.g. "▁") before non-empty text. */
public record Prepend(String prepend) implements Normalizer {
    @Override
    public void normalize(NormalizedString s) {
        if (!s.isEmpty()) {
            s.prepend(prepend);
        }
    }
}
