package dev.javelin.tokenizers.normalizers;

import dev.javelin.tokenizers.NormalizedString;
import java.util.regex.Pattern;

/** {@code Replace}: replaces every match of a string or regex pattern by {@code content}. */
public record Replace(Pattern pattern, String content) implements Normalizer {
    @Override
    public void normalize(NormalizedString s) {
        s.replace(NormalizedString.Matches.ofRegex(s, pattern), content);
    }
}
