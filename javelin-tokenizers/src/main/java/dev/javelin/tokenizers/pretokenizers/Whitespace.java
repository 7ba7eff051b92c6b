package dev.javelin.tokenizers.pretokenizers;

import dev.javelin.tokenizers.NormalizedString;
import dev.javelin.tokenizers.OnigPattern;
import dev.javelin.tokenizers.PreTokenizedString;
import java.util.regex.Pattern;

/** {@code Whitespace}: words are runs of {@code \w} or of other non-space characters; spaces go. */
public record Whitespace() implements PreTokenizer {
    private static final Pattern WORDS = OnigPattern.compile("\\w+|[^\\w\\s]+");

    @Override
    public void preTokenize(PreTokenizedString pts) {
        pts.split(s -> {
            NormalizedString.Matches m = NormalizedString.Matches.ofRegex(s, WORDS);
            m.invert();
            return s.split(m, NormalizedString.SplitBehavior.REMOVED);
        });
    }
}
