package dev.javelin.tokenizers.decoders;

import java.util.List;

/** {@code Fuse}: joins all pieces into one (so that later decoders in a sequence see a single string). */
public record Fuse() implements Decoder {
    @Override
    public List<String> decodeChain(List<String> tokens) {
        return List.of(String.join("", tokens));
    }
}
