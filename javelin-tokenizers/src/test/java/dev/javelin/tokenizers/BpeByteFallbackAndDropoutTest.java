package dev.javelin.tokenizers;

import static dev.javelin.tokenizers.HuggingFaceParityTest.options;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What the component parity cases cannot show on their own: that the Llama-layout byte-fallback case
 * really produces {@code <0xNN>} pieces on the corpus (each spanning its whole character), and that BPE
 * dropout, random in the reference too, skips merges with the reference's probabilities: the frequency
 * of every segmentation of a few words, over many encodings on each side, agrees within 5 standard errors.
 */
class BpeByteFallbackAndDropoutTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int RUNS = 5000;

    private static ObjectNode base() throws IOException {
        return (ObjectNode) MAPPER.readTree(HuggingFaceParityTest.json("all-minilm-l6-v2-tokenizer.json"));
    }

    @Test
    void byteFallbackPiecesSpanWholeCharacters() throws IOException {
        ObjectNode root = base();
        root.set("normalizer", null);
        root.set("pre_tokenizer", ComponentParityTest.node("{'type':'WhitespaceSplit'}"));
        ComponentParityTest.byteFallbackLayout(root, null, null, "'unk_token':'[UNK]','fuse_unk':true");
        Tokenizer tok = Tokenizer.fromJson(MAPPER.writeValueAsString(root)).withoutTruncation().withoutPadding();
        int bytePieces = 0;
        Set<String> characters = new HashSet<>();
        for (String s : ParityCorpus.multilingual()) {
            Encoding e = tok.encode(s);
            for (int i = 0; i < e.length(); i++) {
                if (e.tokens()[i].startsWith("<0x")) {
                    bytePieces++;
                    String source = s.substring(e.offsets()[i][0], e.offsets()[i][1]);
                    assertThat(source.codePointCount(0, source.length())).as("source of %s in %s", e.tokens()[i], s)
                            .isEqualTo(1);
                    characters.add(source);
                }
            }
        }
        assertThat(bytePieces).isGreaterThan(10_000);
        assertThat(characters).hasSizeGreaterThan(500);
        assertThat(tok.encode("a\uD83D\uDE00").tokens()).containsExactly("[CLS]", "a", "<0xF0>", "<0x9F>",
                "<0x98>", "<0x80>");
    }

    /**
     * With {@code continuing_subword_prefix} the reference falls back to the bytes of the prefixed piece,
     * prefix included, and counts each as one byte of the word, so the spans of the tokens after it run past
     * their characters (past the end of the text at the end): the pieces are compared, and Javelin's spans
     * are checked to stay on the characters the pieces come from.
     */
    @Test
    void byteFallbackWithPrefixGivesTheReferencesPieces() throws IOException {
        ObjectNode root = base();
        ComponentParityTest.byteFallbackLayout(root, "##", "</w>", "'unk_token':null,'fuse_unk':false");
        String json = MAPPER.writeValueAsString(root);
        Tokenizer ours = Tokenizer.fromJson(json).withoutTruncation().withoutPadding();
        HuggingFaceParityTest.Report report = new HuggingFaceParityTest.Report("byte fallback with ## prefix");
        List<String> corpus = ParityCorpus.multilingual();
        try (HuggingFaceTokenizer ref = HuggingFaceParityTest.reference(json,
                options("truncation", "false", "padding", "false"))) {
            for (int i = 0; i < corpus.size(); i += 5) {
                String s = corpus.get(i);
                Encoding e = ours.encode(s);
                HuggingFaceParityTest.compare(report, "single", s, null, e, ref.encode(Tokenizer.replaceLoneSurrogates(s)),
                        false);
                for (int[] span : e.offsets()) {
                    assertThat(span[0]).isBetween(0, span[1]);
                    assertThat(span[1]).isLessThanOrEqualTo(s.length());
                }
            }
        }
        report.assertClean();
        assertThat(report.compared).isGreaterThan(1000);
    }

    @Test
    void dropoutSkipsMergesWithTheReferencesProbabilities() throws IOException {
        ObjectNode root = base();
        root.set("model", ComponentParityTest.bpe(root, null, null, "",
                "'unk_token':'[UNK]','fuse_unk':false,'ignore_merges':true,'dropout':0.3"));
        root.set("post_processor", null);
        String json = MAPPER.writeValueAsString(root);
        Tokenizer ours = Tokenizer.fromJson(json).withoutTruncation().withoutPadding();
        try (HuggingFaceTokenizer ref = HuggingFaceParityTest.reference(json,
                options("truncation", "false", "padding", "false", "addSpecialTokens", "false"))) {
            for (String word : List.of("the", "tokenization", "understanding", "beautiful")) {
                Map<List<String>, Integer> mine = new HashMap<>();
                Map<List<String>, Integer> theirs = new HashMap<>();
                for (int i = 0; i < RUNS; i++) {
                    mine.merge(List.of(ours.encode(word).tokens()), 1, Integer::sum);
                    theirs.merge(List.of(ref.encode(word).getTokens()), 1, Integer::sum);
                }
                assertThat(mine.size()).as("segmentations of %s", word).isGreaterThan(1);
                Set<List<String>> all = new HashSet<>(mine.keySet());
                all.addAll(theirs.keySet());
                for (List<String> segmentation : all) {
                    double p = mine.getOrDefault(segmentation, 0) / (double) RUNS;
                    double q = theirs.getOrDefault(segmentation, 0) / (double) RUNS;
                    double pooled = (p + q) / 2;
                    double standardError = Math.sqrt(Math.max(pooled * (1 - pooled), 1.0 / RUNS) * 2 / RUNS);
                    assertThat(Math.abs(p - q)).as("frequency of %s for '%s': ours %.4f, reference %.4f (ours %s, reference %s)",
                            segmentation, word, p, q, mine, theirs).isLessThanOrEqualTo(5 * standardError);
                }
            }
        }
    }
}
