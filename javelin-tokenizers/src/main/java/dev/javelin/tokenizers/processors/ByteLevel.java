package dev.javelin.tokenizers.processors;

import dev.javelin.tokenizers.ByteLevelAlphabet;
import dev.javelin.tokenizers.Encoding;
import dev.javelin.tokenizers.HfUnicode;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ByteLevel} post-processor: adds no tokens; with {@code trim_offsets} the offsets of each
 * token leave out its leading and trailing spaces ({@code Ġ}), except the one space
 * {@code add_prefix_space} put before the first token. The reference trims by characters (Unicode
 * scalar values), so a space that stands in for a supplementary character moves an offset by two
 * UTF-16 units.
 */
public record ByteLevel(boolean trimOffsets, boolean addPrefixSpace) implements PostProcessor {
    @Override
    public int addedTokens(boolean pair) {
        return 0;
    }

    @Override
    public Encoding process(Encoding first, String firstText, Encoding pair, String pairText,
                            boolean addSpecialTokens) {
        Encoding a = trimOffsets ? trimSpaces(first, firstText, addPrefixSpace) : first;
        if (pair == null) {
            return a;
        }
        return a.mergeWith(trimOffsets ? trimSpaces(pair, pairText, addPrefixSpace) : pair);
    }

    /** The offset trimming of {@code encoding} and its overflowing windows (shared with RobertaProcessing). */
    static Encoding trimSpaces(Encoding encoding, String text, boolean addPrefixSpace) {
        Encoding trimmed = trimOne(encoding, text, addPrefixSpace);
        if (encoding.overflowing().isEmpty()) {
            return trimmed;
        }
        List<Encoding> over = new ArrayList<>(encoding.overflowing().size());
        for (Encoding o : encoding.overflowing()) {
            over.add(trimOne(o, text, addPrefixSpace));
        }
        return trimmed.withOverflowing(over);
    }

    private static Encoding trimOne(Encoding e, String text, boolean addPrefixSpace) {
        String[] tokens = e.tokens();
        int[][] offsets = e.offsets();
        int[] starts = new int[tokens.length];
        int[] ends = new int[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            String t = tokens[i];
            int start = offsets[i][0];
            int end = offsets[i][1];
            int leading = 0;
            while (leading < t.length() && isSpace(t.charAt(leading))) {
                leading++;
            }
            int trailing = 0;
            while (trailing < t.length() && isSpace(t.charAt(t.length() - 1 - trailing))) {
                trailing++;
            }
            if (leading > 0) {
                // A single leading space on the first token is the one add_prefix_space put there.
                boolean isFirst = i == 0 || start == 0;
                if (isFirst && addPrefixSpace && leading == 1) {
                    leading = 0;
                }
                start = forward(text, start, leading, end);
            }
            if (trailing > 0) {
                int back = backward(text, end, trailing);
                if (back >= 0) {
                    end = Math.max(back, start);
                }
            }
            starts[i] = start;
            ends[i] = end;
        }
        return e.withOffsets(starts, ends);
    }

    /** {@code from} moved {@code n} code points forward, but not past {@code limit}. */
    private static int forward(String text, int from, int n, int limit) {
        int i = from;
        for (int k = 0; k < n && i < limit; k++) {
            i += Character.charCount(text.codePointAt(i));
        }
        return Math.min(i, limit);
    }

    /** {@code from} moved {@code n} code points back, or -1 if fewer than {@code n} precede it. */
    private static int backward(String text, int from, int n) {
        int i = from;
        for (int k = 0; k < n; k++) {
            if (i <= 0) {
                return -1;
            }
            i -= Character.charCount(text.codePointBefore(i));
        }
        return i;
    }

    private static boolean isSpace(char c) {
        return c == ByteLevelAlphabet.SPACE || HfUnicode.isWhitespace(c);
    }
}
