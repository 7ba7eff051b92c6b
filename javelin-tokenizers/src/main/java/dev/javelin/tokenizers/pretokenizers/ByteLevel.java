package dev.javelin.tokenizers.pretokenizers;

import dev.javelin.tokenizers.ByteLevelAlphabet;
import dev.javelin.tokenizers.NormalizedString;
import dev.javelin.tokenizers.OnigPattern;
import dev.javelin.tokenizers.PreTokenizedString;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code ByteLevel} (GPT-2): optionally puts a space before the text, splits it with GPT-2's regex
 * (contractions, letters, numbers, other symbols, each with an optional leading space; runs of
 * spaces), then rewrites every UTF-8 byte as a printable character of {@link ByteLevelAlphabet}.
 * The bytes of one character all keep that character's offsets.
 */
public record ByteLevel(boolean addPrefixSpace, boolean useRegex) implements PreTokenizer {
    private static final Pattern GPT2 = OnigPattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");

    @Override
    public void preTokenize(PreTokenizedString pts) {
        pts.split(s -> {
            if (addPrefixSpace && !s.isEmpty() && s.charAt(0) != ' ') {
                s.prepend(" ");
            }
            return useRegex ? s.split(NormalizedString.Matches.ofRegex(s, GPT2), NormalizedString.SplitBehavior.ISOLATED)
                    : List.of(s);
        });
        pts.normalize(ByteLevel::toBytes);
    }

    /** Each character becomes the characters of its UTF-8 bytes, the first replacing it, the rest inserted. */
    static void toBytes(NormalizedString s) {
        NormalizedString.Changes changes = new NormalizedString.Changes(s.length() * 2);
        byte[] utf8 = new byte[4];
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int n = utf8(cp, utf8);
            for (int k = 0; k < n; k++) {
                changes.add(ByteLevelAlphabet.charOf(utf8[k]), k == 0 ? 0 : 1);
            }
            i += Character.charCount(cp);
        }
        s.transform(changes, 0);
    }

    private static int utf8(int cp, byte[] out) {
        if (cp < 0x80) {
            out[0] = (byte) cp;
            return 1;
        }
        if (cp < 0x800) {
            out[0] = (byte) (0xC0 | (cp >> 6));
            out[1] = (byte) (0x80 | (cp & 0x3F));
            return 2;
        }
        if (cp < 0x10000) {
            out[0] = (byte) (0xE0 | (cp >> 12));
            out[1] = (byte) (0x80 | ((cp >> 6) & 0x3F));
            out[2] = (byte) (0x80 | (cp & 0x3F));
            return 3;
        }
        out[0] = (byte) (0xF0 | (cp >> 18));
        out[1] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        out[2] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        out[3] = (byte) (0x80 | (cp & 0x3F));
        return 4;
    }
}
