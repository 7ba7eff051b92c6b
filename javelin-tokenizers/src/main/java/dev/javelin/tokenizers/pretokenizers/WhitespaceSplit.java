package dev.javelin.tokenizers.pretokenizers;

import dev.javelin.tokenizers.HfUnicode;
import dev.javelin.tokenizers.NormalizedString;
import dev.javelin.tokenizers.PreTokenizedString;

/** {@code WhitespaceSplit}: splits on Unicode white space, which is removed. */
public record WhitespaceSplit() implements PreTokenizer {
    @Override
    public void preTokenize(PreTokenizedString pts) {
        pts.split(s -> s.split(NormalizedString.Matches.ofChars(s, HfUnicode::isWhitespace),
                NormalizedString.SplitBehavior.REMOVED));
    }
}
