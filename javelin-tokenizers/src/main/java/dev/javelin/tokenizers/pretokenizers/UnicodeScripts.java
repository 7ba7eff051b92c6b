package dev.javelin.tokenizers.pretokenizers;

import dev.javelin.tokenizers.NormalizedString;
import dev.javelin.tokenizers.PreTokenizedString;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code UnicodeScripts}: splits where the Unicode script changes, as SentencePiece's
 * {@code IsValidSentencePiece} sees scripts: Hiragana, Katakana and the prolonged sound mark ー count as
 * Han, and a space or an unassigned character belongs to no script (it joins the piece it is in).
 * Scripts are Unicode 9.0.0's, as in the reference, so characters assigned since then have none.
 */
public record UnicodeScripts() implements PreTokenizer {
    private static final int HAN = Unicode9Scripts.named("Han");
    private static final int HIRAGANA = Unicode9Scripts.named("Hiragana");
    private static final int KATAKANA = Unicode9Scripts.named("Katakana");

    /** A script, or {@link Unicode9Scripts#NONE} for "any" (joins whatever surrounds it). */
    static int script(int c) {
        if (c == 0x30FC) {
            return HAN;
        }
        if (c == ' ') {
            return Unicode9Scripts.NONE;
        }
        int s = Unicode9Scripts.of(c);
        return s == HIRAGANA || s == KATAKANA ? HAN : s;
    }

    @Override
    public void preTokenize(PreTokenizedString pts) {
        pts.split(s -> {
            // As the reference: a piece starts at each character whose script differs from the last
            // script seen, so text before the first character with a script is dropped.
            List<NormalizedString> pieces = new ArrayList<>();
            int n = s.length();
            int pieceStart = -1;
            int last = Unicode9Scripts.NONE;
            for (int i = 0; i < n; ) {
                int c = s.codePointAt(i);
                int script = script(c);
                if (script != Unicode9Scripts.NONE && script != last) {
                    if (pieceStart >= 0) {
                        pieces.add(s.slice(pieceStart, i));
                    }
                    pieceStart = i;
                    last = script;
                }
                i += Character.charCount(c);
            }
            if (pieceStart >= 0) {
                pieces.add(s.slice(pieceStart, n));
            }
            return pieces;
        });
    }
}
