package dev.javelin.tokenizers.decoders;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code CTC} decoder: repeated pieces collapse into one, the pad token vanishes, and with
 * {@code cleanup} the WordPiece cleanup is applied and the word delimiter becomes a space; empty pieces
 * are dropped.
 */
public record CTC(String padToken, String wordDelimiterToken, boolean cleanup) implements Decoder {
    @Override
    public List<String> decodeChain(List<String> tokens) {
        List<String> out = new ArrayList<>(tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            if (i > 0 && tokens.get(i).equals(tokens.get(i - 1))) {
                continue;
            }
            String t = tokens.get(i).replace(padToken, "");
            if (cleanup) {
                t = WordPiece.cleanup(t).replace(wordDelimiterToken, " ");
            }
            if (!t.isEmpty()) {
                out.add(t);
            }
        }
        return out;
    }
}
