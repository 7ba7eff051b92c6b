package dev.javelin.tokenizers.normalizers;

import dev.javelin.tokenizers.NormalizedString;
import dev.javelin.tokenizers.UnicodeForms;

/** {@code NFC}: Unicode normalization form NFC. */
public record NFC() implements Normalizer {
    @Override
    public void normalize(NormalizedString s) {
        s.normalize(UnicodeForms.Form.NFC);
    }
}
