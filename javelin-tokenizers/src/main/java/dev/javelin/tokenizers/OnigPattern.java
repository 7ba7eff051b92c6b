package dev.javelin.tokenizers;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A {@code tokenizer.json} regex (written for Oniguruma, which the reference uses) as a Java
 * {@link Pattern} with Unicode character classes. One difference needs rewriting: Oniguruma's
 * {@code \w} also takes the Latin-1 digits and fractions ² ³ ¹ ¼ ½ ¾ (its Latin-1 table marks them
 * as word characters), so {@code \w} and {@code \W} are widened to match.
 */
public final class OnigPattern {
    private static final String LATIN1_WORD = "\\u00B2\\u00B3\\u00B9\\u00BC-\\u00BE";

    private OnigPattern() {
    }

    /** Compiles {@code regex}; a syntax error becomes a {@link PatternSyntaxException}. */
    public static Pattern compile(String regex) {
        return Pattern.compile(translate(regex), Pattern.UNICODE_CHARACTER_CLASS);
    }

    static String translate(String regex) {
        StringBuilder out = new StringBuilder(regex.length() + 16);
        int depth = 0;
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c == '\\' && i + 1 < regex.length()) {
                char next = regex.charAt(++i);
                if (next == 'w') {
                    out.append(depth > 0 ? "\\w" + LATIN1_WORD : "[\\w" + LATIN1_WORD + "]");
                } else if (next == 'W') {
                    out.append("[^\\w" + LATIN1_WORD + "]");
                } else {
                    out.append(c).append(next);
                }
                continue;
            }
            if (c == '[') {
                depth++;
            } else if (c == ']' && depth > 0) {
                depth--;
            }
            out.append(c);
        }
        return out.toString();
    }
}
