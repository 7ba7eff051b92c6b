package dev.javelin.tokenizers.normalizers;

import dev.javelin.tokenizers.NormalizedString;

/**
 * {@code Nmt}: SentencePiece's NMT cleanup: ASCII control characters (other than tab, line feed, form
 * feed and carriage return) and U+008F, U+009F are removed; those four, the Ogham space, zero-width
 * and direction marks U+200B..U+200F, the line and paragraph separators, ▁, the byte-order mark and
 * U+FFFD become spaces.
 */
public record Nmt() implements Normalizer {
    @Override
    public void normalize(NormalizedString s) {
        s.filter(c -> !((c >= 0x01 && c <= 0x08) || c == 0x0B || (c >= 0x0E && c <= 0x1F) || c == 0x7F
                || c == 0x8F || c == 0x9F));
        s.map(c -> switch (c) {
            case 0x09, 0x0A, 0x0C, 0x0D, 0x1680, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2028, 0x2029, 0x2581,
                 0xFEFF, 0xFFFD -> ' ';
            default -> c;
        });
    }
}
