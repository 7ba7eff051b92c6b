package dev.javelin.tokenizers.processors;

import dev.javelin.tokenizers.Encoding;
import java.util.List;
import java.util.Map;

/**
 * {@code TemplateProcessing}: lays out the sequences and special tokens by a template for single
 * inputs and one for pairs, e.g. {@code [CLS] $A [SEP]} and {@code [CLS] $A [SEP] $B:1 [SEP]:1}.
 */
public final class TemplateProcessing implements PostProcessor {
    /** One template element: a sequence (A or B) or a special token, with its type id. */
    public sealed interface Piece permits SequencePiece, SpecialPiece {
    }

    /** {@code $A} / {@code $B} with a type id. */
    public record SequencePiece(boolean b, int typeId) implements Piece {
    }

    /** A special token (looked up in the special tokens map) with a type id. */
    public record SpecialPiece(String id, int typeId) implements Piece {
    }

    /** A special token's ids and tokens (usually one of each). */
    public record SpecialToken(String id, int[] ids, String[] tokens) {
    }

    private final List<Piece> single;
    private final List<Piece> pair;
    private final Map<String, SpecialToken> specialTokens;
    private final int addedSingle;
    private final boolean windowTypeIds;
    private final int addedPair;

    public TemplateProcessing(List<Piece> single, List<Piece> pair, Map<String, SpecialToken> specialTokens) {
        this(single, pair, specialTokens, false);
    }

    /**
     * @param windowTypeIds whether overflowing windows take the template's type ids too (RoBERTa's
     *     processor sets them on every window; the reference's template does not)
     */
    TemplateProcessing(List<Piece> single, List<Piece> pair, Map<String, SpecialToken> specialTokens,
                       boolean windowTypeIds) {
        this.windowTypeIds = windowTypeIds;
        this.single = List.copyOf(single);
        this.pair = List.copyOf(pair);
        this.specialTokens = Map.copyOf(specialTokens);
        this.addedSingle = countAdded(this.single);
        this.addedPair = countAdded(this.pair);
    }

    private int countAdded(List<Piece> template) {
        int n = 0;
        for (Piece p : template) {
            if (p instanceof SpecialPiece s) {
                SpecialToken t = specialTokens.get(s.id());
                if (t == null) {
                    throw new IllegalArgumentException("TemplateProcessing: template uses special token '"
                            + s.id() + "' missing from special_tokens");
                }
                n += t.ids().length;
            }
        }
        return n;
    }

    @Override
    public int addedTokens(boolean isPair) {
        return isPair ? addedPair : addedSingle;
    }

    @Override
    public Encoding process(Encoding first, String firstText, Encoding second, String pairText,
                            boolean addSpecialTokens) {
        Encoding a = first.withTypeIds(0);
        Encoding b = second == null ? null : second.withTypeIds(1);
        Encoding result = Encoding.empty();
        for (Piece piece : second == null ? single : pair) {
            switch (piece) {
                case SequencePiece s -> {
                    Encoding e = s.b() ? b : a;
                    if (e == null) {
                        throw new IllegalArgumentException("TemplateProcessing: single template uses $B");
                    }
                    result = result.mergeWith(windowTypeIds ? e.withTypeIds(s.typeId()) : e.withOwnTypeIds(s.typeId()));
                }
                case SpecialPiece s -> {
                    if (addSpecialTokens) {
                        SpecialToken t = specialTokens.get(s.id());
                        result = result.mergeWith(Encoding.special(t.ids(), t.tokens(), s.typeId()));
                    }
                }
            }
        }
        return result;
    }
}
