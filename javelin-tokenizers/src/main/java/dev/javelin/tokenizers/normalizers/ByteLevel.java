package dev.javelin.tokenizers.normalizers;

import dev.javelin.tokenizers.ByteLevelAlphabet;
import dev.javelin.tokenizers.NormalizedString;
import java.nio.charset.StandardCharsets;

/**
 * {@code ByteLevel} normalizer: every character becomes the byte-level alphabet's characters for its
 * UTF-8 bytes, the first replacing it and the others inserted after it (so all keep its alignment).
 */
public record ByteLevel() implements Normalizer {
    @Override
    public void normalize(NormalizedString s) {
        if (s.isEmpty()) {
            return;
        }
        String text = s.normalized();
        NormalizedString.Changes changes = new NormalizedString.Changes(text.length() * 2);
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            byte[] utf8 = Character.toString(c).getBytes(StandardCharsets.UTF_8);
            for (int b = 0; b < utf8.length; b++) {
                changes.add(ByteLevelAlphabet.charOf(utf8[b]), b > 0 ? 1 : 0);
            }
            i += Character.charCount(c);
        }
        s.transform(changes, 0);
    }
}
