package dev.javelin.tokenizers.normalizers;

import dev.javelin.tokenizers.NormalizedString;

/** {@code Strip}: removes leading and/or trailing whitespace. */
public record Strip(boolean left, boolean right) implements Normalizer {
    @Override
    public void normalize(NormalizedString s) {
        s.strip(left, right);
    }
}
