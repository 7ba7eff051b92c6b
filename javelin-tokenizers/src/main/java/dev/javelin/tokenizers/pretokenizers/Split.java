package dev.javelin.tokenizers.pretokenizers;

import dev.javelin.tokenizers.NormalizedString;
import dev.javelin.tokenizers.PreTokenizedString;
import java.util.regex.Pattern;

/**
 * {@code Split}: splits on the matches of a string or regex pattern (or, with {@code invert}, on
 * what lies between them), the matches kept per {@code behavior}.
 */
public record Split(Pattern pattern, NormalizedString.SplitBehavior behavior, boolean invert) implements PreTokenizer {
    @Override
    public void preTokenize(PreTokenizedString pts) {
        pts.split(s -> {
            NormalizedString.Matches m = NormalizedString.Matches.ofRegex(s, pattern);
            if (invert) {
                m.invert();
            }
            return s.split(m, behavior);
        });
    }
}
