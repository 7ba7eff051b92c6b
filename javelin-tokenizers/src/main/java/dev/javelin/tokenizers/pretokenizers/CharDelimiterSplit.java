package dev.javelin.tokenizers.pretokenizers;

import dev.javelin.tokenizers.NormalizedString;
import dev.javelin.tokenizers.PreTokenizedString;

/** {@code CharDelimiterSplit}: splits on one delimiter character, which is removed. */
public record CharDelimiterSplit(int delimiter) implements PreTokenizer {
    @Override
    public void preTokenize(PreTokenizedString pts) {
        pts.split(s -> s.split(NormalizedString.Matches.ofChars(s, c -> c == delimiter),
                NormalizedString.SplitBehavior.REMOVED));
    }
}
