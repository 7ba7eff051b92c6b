package dev.javelin.tokenizers.pretokenizers;

import dev.javelin.tokenizers.PreTokenizedString;
import java.util.List;

/** {@code Sequence}: applies its pre-tokenizers in order, each splitting the previous one's pieces. */
public record Sequence(List<PreTokenizer> preTokenizers) implements PreTokenizer {
    public Sequence {
        preTokenizers = List.copyOf(preTokenizers);
    }

    @Override
    public void preTokenize(PreTokenizedString pts) {
        for (PreTokenizer p : preTokenizers) {
            p.preTokenize(pts);
        }
    }
}
