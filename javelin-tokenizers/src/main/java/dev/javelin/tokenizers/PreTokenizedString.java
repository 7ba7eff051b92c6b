package dev.javelin.tokenizers;

import dev.javelin.tokenizers.models.Model;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The input as a list of splits, each a {@link NormalizedString} that is either still open to
 * splitting and normalization or already tokenized (added tokens, then model output), as the
 * reference's {@code PreTokenizedString}.
 */
public final class PreTokenizedString {
    private List<NormalizedString> splits = new ArrayList<>();
    private List<List<Token>> tokens = new ArrayList<>();

    PreTokenizedString(NormalizedString whole) {
        splits.add(whole);
        tokens.add(null);
    }

    public int size() {
        return splits.size();
    }

    public NormalizedString split(int i) {
        return splits.get(i);
    }

    /** Replaces every open split by the non-empty pieces {@code splitter} makes of it. */
    public void split(Function<NormalizedString, List<NormalizedString>> splitter) {
        splitWithTokens(s -> {
            List<NormalizedString> pieces = splitter.apply(s);
            List<Piece> out = new ArrayList<>(pieces.size());
            for (NormalizedString p : pieces) {
                out.add(new Piece(p, null));
            }
            return out;
        });
    }

    /** A split result: a piece and, for added tokens, its final token. */
    record Piece(NormalizedString normalized, List<Token> tokens) {
    }

    void splitWithTokens(Function<NormalizedString, List<Piece>> splitter) {
        List<NormalizedString> newSplits = new ArrayList<>(splits.size() * 2);
        List<List<Token>> newTokens = new ArrayList<>(splits.size() * 2);
        for (int i = 0; i < splits.size(); i++) {
            if (tokens.get(i) != null) {
                newSplits.add(splits.get(i));
                newTokens.add(tokens.get(i));
                continue;
            }
            for (Piece p : splitter.apply(splits.get(i))) {
                if (!p.normalized().isEmpty()) {
                    newSplits.add(p.normalized());
                    newTokens.add(p.tokens());
                }
            }
        }
        splits = newSplits;
        tokens = newTokens;
    }

    /** Normalizes every open split in place. */
    public void normalize(Consumer<NormalizedString> normalizer) {
        for (int i = 0; i < splits.size(); i++) {
            if (tokens.get(i) == null) {
                normalizer.accept(splits.get(i));
            }
        }
    }

    void tokenize(Model model) {
        for (int i = 0; i < splits.size(); i++) {
            if (tokens.get(i) == null) {
                List<Token> out = new ArrayList<>(4);
                model.tokenize(splits.get(i), out);
                tokens.set(i, out);
            }
        }
    }

    /** The tokens with offsets mapped back to the original text (UTF-16 units). */
    Encoding.Builder intoEncoding(int typeId) {
        Encoding.Builder b = new Encoding.Builder(splits.size() + 8);
        for (int i = 0; i < splits.size(); i++) {
            NormalizedString n = splits.get(i);
            for (Token t : tokens.get(i)) {
                long range = n.originalRange(t.start(), t.end());
                b.add(t.id(), t.value(), NormalizedString.packedStart(range), NormalizedString.packedEnd(range),
                        typeId, 0, 1, i);
            }
        }
        return b;
    }
}
