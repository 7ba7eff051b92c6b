package dev.javelin.tokenizers.decoders;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code WordPiece} decoder: glues continuation pieces (those starting with {@code prefix}) to the
 * previous token, puts a space before the others, and optionally cleans up tokenization spaces
 * ({@code " ."} → {@code "."}, {@code " n't"} → {@code "n't"}, ...).
 */
public record WordPiece(String prefix, boolean cleanup) implements Decoder {
    @Override
    public List<String> decodeChain(List<String> tokens) {
        List<String> out = new ArrayList<>(tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            if (i != 0) {
                t = t.startsWith(prefix) ? t.substring(prefix.length()) : " " + t;
            }
            out.add(cleanup ? cleanup(t) : t);
        }
        return out;
    }

    /** The reference's {@code cleanup} of spaces before punctuation and English contractions. */
    public static String cleanup(String s) {
        return s.replace(" .", ".").replace(" ?", "?").replace(" !", "!").replace(" ,", ",")
                .replace(" ' ", "'").replace(" n't", "n't").replace(" 'm", "'m").replace(" do not", " don't")
                .replace(" 's", "'s").replace(" 've", "'ve").replace(" 're", "'re");
    }
}
