package dev.javelin.tokenizers.normalizers;

import dev.javelin.tokenizers.HfUnicode;
import dev.javelin.tokenizers.NormalizedString;

/** {@code StripAccents}: removes combining marks (usually after NFD/NFKD). */
public record StripAccents() implements Normalizer {
    @Override
    public void normalize(NormalizedString s) {
        s.filter(c -> !HfUnicode.isCombiningMark(c));
    }
}
