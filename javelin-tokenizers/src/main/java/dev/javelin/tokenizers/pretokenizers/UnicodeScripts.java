package dev.javelin.tokenizers.pretokenizers;

import dev.javelin.tokenizers.NormalizedString;
import dev.javelin.tokenizers.PreTokenizedString;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code UnicodeScripts}: splits where the Unicode script changes, as SentencePiece's
 * {@code IsValidSentencePiece} sees scripts: Hiragana, Katakana and the prolonged sound mark ー count as
 * Han, and a space or an unassigned character belongs to no script (it joins the piece it is in).
 * Scripts are Java's (the current Unicode version); the reference's table is older (Unicode 9), so
 * characters assigned since then have no script there.
 */
public record UnicodeScripts() implements PreTokenizer {
    /** A script, or null for "any" (joins whatever surrounds it). */
    static Character.UnicodeScript script(int c) {
        if (c == 0x30FC) {
            return Character.UnicodeScript.HAN;
        }
        if (c == ' ') {
            return null;
        }
        Character.UnicodeScript s = Character.UnicodeScript.of(c);
        return switch (s) {
            case HIRAGANA, KATAKANA -> Character.UnicodeScript.HAN;
            case UNKNOWN -> null;
            default -> s;
        };
    }

    @Override
    public void preTokenize(PreTokenizedString pts) {
        pts.split(s -> {
            // As the reference: a piece starts at each character whose script differs from the last
            // script seen, so text before the first character with a script is dropped.
            List<NormalizedString> pieces = new ArrayList<>();
            int n = s.length();
            int pieceStart = -1;
            Character.UnicodeScript last = null;
            for (int i = 0; i < n; ) {
                int c = s.codePointAt(i);
                Character.UnicodeScript script = script(c);
                if (script != null && script != last) {
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
