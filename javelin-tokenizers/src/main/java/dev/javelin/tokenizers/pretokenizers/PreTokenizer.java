package dev.javelin.tokenizers.pretokenizers;

import dev.javelin.tokenizers.PreTokenizedString;

/** A {@code pre_tokenizer} of {@code tokenizer.json}: splits the normalized text into words. */
public interface PreTokenizer {
    void preTokenize(PreTokenizedString pts);
}
