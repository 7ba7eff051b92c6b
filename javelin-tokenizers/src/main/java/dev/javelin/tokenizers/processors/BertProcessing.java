package dev.javelin.tokenizers.processors;

import dev.javelin.tokenizers.Encoding;
import java.util.List;
import java.util.Map;

/**
 * {@code BertProcessing}: {@code [CLS] A [SEP]} and {@code [CLS] A [SEP] B [SEP]} with type ids 0
 * for the first part and 1 for the second — the template {@link TemplateProcessing} lays out.
 */
public final class BertProcessing implements PostProcessor {
    private final TemplateProcessing template;

    public BertProcessing(String sep, int sepId, String cls, int clsId) {
        var clsPiece = new TemplateProcessing.SpecialPiece(cls, 0);
        template = new TemplateProcessing(
                List.of(clsPiece, new TemplateProcessing.SequencePiece(false, 0),
                        new TemplateProcessing.SpecialPiece(sep, 0)),
                List.of(clsPiece, new TemplateProcessing.SequencePiece(false, 0),
                        new TemplateProcessing.SpecialPiece(sep, 0), new TemplateProcessing.SequencePiece(true, 1),
                        new TemplateProcessing.SpecialPiece(sep, 1)),
                Map.of(cls, new TemplateProcessing.SpecialToken(cls, new int[] {clsId}, new String[] {cls}),
                        sep, new TemplateProcessing.SpecialToken(sep, new int[] {sepId}, new String[] {sep})));
    }

    @Override
    public int addedTokens(boolean pair) {
        return template.addedTokens(pair);
    }

    @Override
    public Encoding process(Encoding first, String firstText, Encoding pair, String pairText,
                            boolean addSpecialTokens) {
        if (!addSpecialTokens) {
            Encoding a = first.withTypeIds(0);
            return pair == null ? a : a.mergeWith(pair.withTypeIds(1));
        }
        return template.process(first, firstText, pair, pairText, true);
    }
}
