package dev.javelin.tokenizers.decoders;

import java.util.List;

/** A {@code decoder} of {@code tokenizer.json}: turns tokens back into text. */
public interface Decoder {
    /** Per-token pieces (the reference's {@code decode_chain}). */
    List<String> decodeChain(List<String> tokens);

    default String decode(List<String> tokens) {
        return String.join("", decodeChain(tokens));
    }
}
