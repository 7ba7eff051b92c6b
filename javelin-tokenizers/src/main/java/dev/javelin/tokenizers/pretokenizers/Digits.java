package dev.javelin.tokenizers.pretokenizers;

import dev.javelin.tokenizers.NormalizedString;
import dev.javelin.tokenizers.PreTokenizedString;

/**
 * {@code Digits}: separates numeric characters (Unicode Nd, Nl, No, as Rust's {@code is_numeric})
 * from the rest, each digit on its own with {@code individual_digits}, else runs of them.
 */
public record Digits(boolean individualDigits) implements PreTokenizer {
    @Override
    public void preTokenize(PreTokenizedString pts) {
        NormalizedString.SplitBehavior behavior = individualDigits
                ? NormalizedString.SplitBehavior.ISOLATED : NormalizedString.SplitBehavior.CONTIGUOUS;
        pts.split(s -> s.split(NormalizedString.Matches.ofChars(s, Digits::isNumeric), behavior));
    }

    static boolean isNumeric(int c) {
        if (c < 0x80) {
            return c >= '0' && c <= '9';
        }
        int t = Character.getType(c);
        return t == Character.DECIMAL_DIGIT_NUMBER || t == Character.LETTER_NUMBER || t == Character.OTHER_NUMBER;
    }
}
