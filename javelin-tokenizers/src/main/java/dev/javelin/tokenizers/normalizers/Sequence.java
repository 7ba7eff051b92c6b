package dev.javelin.tokenizers.normalizers;

import dev.javelin.tokenizers.NormalizedString;
import java.util.List;

/** {@code Sequence}: applies its normalizers in order. */
public record Sequence(List<Normalizer> normalizers) implements Normalizer {
    public Sequence {
        normalizers = List.copyOf(normalizers);
    }

    @Override
    public void normalize(NormalizedString s) {
        for (Normalizer n : normalizers) {
            n.normalize(s);
        }
    }
}
