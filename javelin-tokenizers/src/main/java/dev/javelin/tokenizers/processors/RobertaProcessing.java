package dev.javelin.tokenizers.processors;

import dev.javelin.tokenizers.Encoding;
import java.util.List;
import java.util.Map;

/**
 * {@code RobertaProcessing}: {@code <s> A </s>} and {@code <s> A </s></s> B </s>}, every type id 0,
 * with the byte-level offset trimming of {@link ByteLevel} when {@code trim_offsets} is set.
 */
public final class RobertaProcessing implements PostProcessor {
    private final TemplateProcessing template;
    private final boolean trimOffsets;
    private final boolean addPrefixSpace;

    public RobertaProcessing(String sep, int sepId, String cls, int clsId, boolean trimOffsets, boolean addPrefixSpace) {
        this.trimOffsets = trimOffsets;
        this.addPrefixSpace = addPrefixSpace;
        var clsPiece = new TemplateProcessing.SpecialPiece(cls, 0);
        var sepPiece = new TemplateProcessing.SpecialPiece(sep, 0);
        var a = new TemplateProcessing.SequencePiece(false, 0);
        template = new TemplateProcessing(List.of(clsPiece, a, sepPiece),
                List.of(clsPiece, a, sepPiece, sepPiece, new TemplateProcessing.SequencePiece(true, 0), sepPiece),
                Map.of(cls, new TemplateProcessing.SpecialToken(cls, new int[] {clsId}, new String[] {cls}),
                        sep, new TemplateProcessing.SpecialToken(sep, new int[] {sepId}, new String[] {sep})), true);
    }

    @Override
    public int addedTokens(boolean pair) {
        return template.addedTokens(pair);
    }

    @Override
    public Encoding process(Encoding first, String firstText, Encoding pair, String pairText,
                            boolean addSpecialTokens) {
        Encoding a = trimOffsets ? ByteLevel.trimSpaces(first, firstText, addPrefixSpace) : first;
        Encoding b = pair == null || !trimOffsets ? pair : ByteLevel.trimSpaces(pair, pairText, addPrefixSpace);
        if (!addSpecialTokens) {
            a = a.withTypeIds(0);
            return b == null ? a : a.mergeWith(b.withTypeIds(0));
        }
        return template.process(a, firstText, b, pairText, true);
    }
}
