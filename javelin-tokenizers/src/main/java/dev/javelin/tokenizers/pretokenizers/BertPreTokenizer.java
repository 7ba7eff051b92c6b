package dev.javelin.tokenizers.pretokenizers;

import dev.javelin.tokenizers.HfUnicode;
import dev.javelin.tokenizers.NormalizedString;
import dev.javelin.tokenizers.PreTokenizedString;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code BertPreTokenizer}: splits on whitespace (removed) and isolates every punctuation character.
 * Both splits run in one pass, which yields exactly the pieces of the two successive splits.
 */
public record BertPreTokenizer() implements PreTokenizer {
    @Override
    public void preTokenize(PreTokenizedString pts) {
        pts.split(BertPreTokenizer::words);
    }

    static List<NormalizedString> words(NormalizedString s) {
        int n = s.length();
        char[] buf = s.buffer();
        int base = s.bufferOffset();
        List<NormalizedString> out = new ArrayList<>(n / 4 + 2);
        int start = 0;
        int i = 0;
        while (i < n) {
            char ch = buf[base + i];
            int c;
            int w;
            if (ch < 0x80) {
                c = ch;
                w = 1;
            } else {
                c = Character.codePointAt(buf, base + i, base + n);
                w = Character.charCount(c);
            }
            if (HfUnicode.isWhitespace(c)) {
                if (start < i) {
                    out.add(s.slice(start, i));
                }
                start = i + w;
            } else if (HfUnicode.isBertPunctuation(c)) {
                if (start < i) {
                    out.add(s.slice(start, i));
                }
                out.add(s.slice(i, i + w));
                start = i + w;
            }
            i += w;
        }
        if (start < n) {
            out.add(start == 0 ? s : s.slice(start, n));
        }
        return out;
    }
}
