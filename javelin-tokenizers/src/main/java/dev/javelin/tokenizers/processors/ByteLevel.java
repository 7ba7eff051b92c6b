package dev.javelin.tokenizers.processors;

import dev.javelin.tokenizers.ByteLevelAlphabet;
import dev.javelin.tokenizers.Encoding;
import dev.javelin.tokenizers.HfUnicode;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ByteLevel} post-processor: adds no tokens; with {@code trim_offsets} the offsets of each
 * token leave out its leading and trailing spaces ({@code Ġ}), except the one space
 * {@code add_prefix_space} put before the first token.
 */
public record ByteLevel(boolean trimOffsets, boolean addPrefixSpace) implements PostProcessor {
    @Override
    public int addedTokens(boolean pair) {
        return 0;
    }

    @Override
    public Encoding process(Encoding first, Encoding pair, boolean addSpecialTokens) {
        Encoding a = trimOffsets ? trimSpaces(first, addPrefixSpace) : first;
        if (pair == null) {
            return a;
        }
        return a.mergeWith(trimOffsets ? trimSpaces(pair, addPrefixSpace) : pair);
    }

    /** The offset trimming of {@code encoding} and its overflowing windows (shared with RobertaProcessing). */
    static Encoding trimSpaces(Encoding encoding, boolean addPrefixSpace) {
        Encoding trimmed = trimOne(encoding, addPrefixSpace);
        if (encoding.overflowing().isEmpty()) {
            return trimmed;
        }
        List<Encoding> over = new ArrayList<>(encoding.overflowing().size());
        for (Encoding o : encoding.overflowing()) {
            over.add(trimOne(o, addPrefixSpace));
        }
        return trimmed.withOverflowing(over);
    }

    private static Encoding trimOne(Encoding e, boolean addPrefixSpace) {
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
                start = Math.min(start + leading, end);
            }
            if (trailing > 0 && end >= trailing) {
                end = Math.max(end - trailing, start);
            }
            starts[i] = start;
            ends[i] = end;
        }
        return e.withOffsets(starts, ends);
    }

    private static boolean isSpace(char c) {
        return c == ByteLevelAlphabet.SPACE || HfUnicode.isWhitespace(c);
    }
}
