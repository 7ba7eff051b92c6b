package dev.javelin.server.http;

import dev.javelin.tokenizers.Encoding;
import java.util.ArrayList;
import java.util.List;

/**
 * One token in a /tokenize answer, as TEI shows it: for tokens from the text, the covered text and its
 * {@code [start, stop)} in UTF-8 bytes of the input; special tokens have their own text and no span.
 */
public record SimpleToken(int id, String text, boolean special, Integer start, Integer stop) {

    /** The tokens of {@code encoding}, which encodes {@code text}; its UTF-16 offsets become UTF-8 ones. */
    public static List<SimpleToken> of(String text, Encoding encoding) {
        int[] ids = encoding.ids();
        int[][] offsets = encoding.offsets();
        int[] special = encoding.specialTokensMask();
        String[] tokens = encoding.tokens();
        int[] utf8 = utf8Offsets(text);
        List<SimpleToken> out = new ArrayList<>(ids.length);
        for (int i = 0; i < ids.length; i++) {
            if (special[i] == 1) {
                out.add(new SimpleToken(ids[i], tokens[i], true, null, null));
            } else {
                int start = offsets[i][0];
                int end = offsets[i][1];
                out.add(new SimpleToken(ids[i], text.substring(start, end), false, utf8[start], utf8[end]));
            }
        }
        return out;
    }

    /** For each UTF-16 index of {@code text} (and its end), the UTF-8 byte offset. */
    static int[] utf8Offsets(String text) {
        int[] offsets = new int[text.length() + 1];
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            offsets[i] = bytes;
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                offsets[++i] = bytes;
                bytes += 4;
            } else if (Character.isSurrogate(c)) {
                bytes += 1; // unpaired: encoded as '?', as Java's UTF-8 encoder does
            } else {
                bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
            }
        }
        offsets[text.length()] = bytes;
        return offsets;
    }
}
