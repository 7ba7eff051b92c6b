package dev.javelin.tokenizers.pretokenizers;

import dev.javelin.tokenizers.NormalizedString;
import dev.javelin.tokenizers.PreTokenizedString;
import java.util.ArrayList;
import java.util.List;

/** {@code FixedLength}: cuts the text into pieces of {@code length} characters (the last may be shorter). */
public record FixedLength(int length) implements PreTokenizer {
    public FixedLength {
        if (length <= 0) {
            throw new IllegalArgumentException("FixedLength pre-tokenizer: length must be positive, got " + length);
        }
    }

    @Override
    public void preTokenize(PreTokenizedString pts) {
        pts.split(s -> {
            List<NormalizedString> pieces = new ArrayList<>();
            int n = s.length();
            for (int start = 0; start < n; ) {
                int end = start;
                for (int k = 0; k < length && end < n; k++) {
                    end += Character.charCount(s.codePointAt(end));
                }
                pieces.add(s.slice(start, end));
                start = end;
            }
            return pieces;
        });
    }
}
