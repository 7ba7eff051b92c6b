package dev.javelin.tokenizers.decoders;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code Metaspace} decoder: the replacement character (▁) becomes a space again, except in the
 * first token when the pre-tokenizer put one there ({@code prepend_scheme} other than never).
 */
public record Metaspace(int replacement, boolean prepended) implements Decoder {
    @Override
    public List<String> decodeChain(List<String> tokens) {
        List<String> out = new ArrayList<>(tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            boolean drop = i == 0 && prepended;
            StringBuilder sb = new StringBuilder(tokens.get(i).length());
            tokens.get(i).codePoints().forEach(c -> {
                if (c != replacement) {
                    sb.appendCodePoint(c);
                } else if (!drop) {
                    sb.append(' ');
                }
            });
            out.add(sb.toString());
        }
        return out;
    }
}
