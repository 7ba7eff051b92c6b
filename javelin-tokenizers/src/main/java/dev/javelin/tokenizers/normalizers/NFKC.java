package dev.javelin.tokenizers.normalizers;

import dev.javelin.tokenizers.NormalizedString;
import dev.javelin.tokenizers.UnicodeForms;

/** {@code NFKC}: Unicode normalization form NFKC. */
public record NFKC() implements Normalizer {
    @Override
    public void normalize(NormalizedString s) {
        s.normalize(UnicodeForms.Form.NFKC);
    }
}
