package dev.javelin.tokenizers.decoders;

import java.util.List;

/** {@code Sequence}: feeds the pieces through each decoder's chain in turn. */
public record Sequence(List<Decoder> decoders) implements Decoder {
    public Sequence {
        decoders = List.copyOf(decoders);
    }

    @Override
    public List<String> decodeChain(List<String> tokens) {
        List<String> pieces = tokens;
        for (Decoder d : decoders) {
            pieces = d.decodeChain(pieces);
        }
        return pieces;
    }
}
