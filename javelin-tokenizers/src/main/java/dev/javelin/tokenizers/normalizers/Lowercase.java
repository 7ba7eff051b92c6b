package dev.javelin.tokenizers.normalizers;

import dev.javelin.tokenizers.NormalizedString;

/** {@code Lowercase}: per-character lowercase mapping. */
public record Lowercase() implements Normalizer {
    @Override
    public void normalize(NormalizedString s) {
        s.lowercase();
    }
}
