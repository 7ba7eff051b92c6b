package dev.javelin.tokenizers.normalizers;

import dev.javelin.tokenizers.NormalizedString;
import dev.javelin.tokenizers.UnicodeForms;

/** {@code NFD}: Unicode normalization form NFD. */
public record NFD() implements Normalizer {
    @Override
    public void normalize(NormalizedString s) {
        s.normalize(UnicodeForms.Form.NFD);
    }
}
