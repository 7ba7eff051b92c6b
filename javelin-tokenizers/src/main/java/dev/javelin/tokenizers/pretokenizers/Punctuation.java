package dev.javelin.tokenizers.pretokenizers;

import dev.javelin.tokenizers.HfUnicode;
import dev.javelin.tokenizers.NormalizedString;
import dev.javelin.tokenizers.PreTokenizedString;

/** {@code Punctuation}: splits on each punctuation character, kept per {@code behavior}. */
public record Punctuation(NormalizedString.SplitBehavior behavior) implements PreTokenizer {
    @Override
    public void preTokenize(PreTokenizedString pts) {
        pts.split(s -> s.split(NormalizedString.Matches.ofChars(s, HfUnicode::isBertPunctuation), behavior));
    }
}
