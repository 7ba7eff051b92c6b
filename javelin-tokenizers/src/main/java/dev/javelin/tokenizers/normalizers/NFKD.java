package dev.javelin.tokenizers.normalizers;

import dev.javelin.tokenizers.NormalizedString;
import dev.javelin.tokenizers.UnicodeForms;

/** {@code NFKD}: Unicode normalization form NFKD. */
public record NFKD() implements Normalizer {
    @Override
    public void normalize(NormalizedString s) {
        s.normalize(UnicodeForms.Form.NFKD);
    }
}
