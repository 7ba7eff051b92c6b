package dev.javelin.tokenizers.normalizers;

import dev.javelin.tokenizers.NormalizedString;

/** A {@code normalizer} of {@code tokenizer.json}: rewrites text in place, keeping alignments. */
public interface Normalizer {
    void normalize(NormalizedString s);
}
