package dev.javelin.tokenizers;

import static dev.javelin.tokenizers.HuggingFaceParityTest.options;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * The {@code UnicodeScripts} pre-tokenizer against the reference on every code point of planes 0–3 and 14
 * (the others are unassigned or private use in every version): a tokenizer whose only model output is one
 * unknown token per piece shows where each side splits. Three sweeps: code points in order (a split
 * wherever the script changes), each code point between Latin letters (whether it has a script, and
 * whether that is Latin) and each between Han characters (Hiragana, Katakana and ー count as Han).
 * Characters assigned after Unicode 9.0.0 (the reference's table) are where the JDK's scripts differ.
 */
class UnicodeScriptsParityTest {
    private static final String JSON = """
            {"version":"1.0","truncation":null,"padding":null,"added_tokens":[],"normalizer":null,
             "pre_tokenizer":{"type":"UnicodeScripts"},"post_processor":null,"decoder":null,
             "model":{"type":"WordLevel","vocab":{"[UNK]":0},"unk_token":"[UNK]"}}""";
    private static final int CHUNK = 256;

    @Test
    void splitsWhereTheReferenceSplits() throws IOException {
        List<int[]> planes = List.of(new int[] {0, 0x3FFFF}, new int[] {0xE0000, 0xEFFFF});
        List<IntFunction<String>> sweeps = List.of(Character::toString, c -> "a" + Character.toString(c),
                c -> "\u4E2D" + Character.toString(c));
        Tokenizer ours = Tokenizer.fromJson(JSON);
        HuggingFaceParityTest.Report report = new HuggingFaceParityTest.Report("UnicodeScripts, planes 0-3 and 14");
        try (HuggingFaceTokenizer ref = HuggingFaceParityTest.reference(JSON,
                options("truncation", "false", "padding", "false"))) {
            for (int[] plane : planes) {
                for (int first = plane[0]; first <= plane[1]; first += CHUNK) {
                    for (IntFunction<String> sweep : sweeps) {
                        StringBuilder text = new StringBuilder();
                        for (int c = first; c < first + CHUNK && c <= plane[1]; c++) {
                            if (c < Character.MIN_SURROGATE || c > Character.MAX_SURROGATE) {
                                text.append(sweep.apply(c));
                            }
                        }
                        String s = text.toString();
                        HuggingFaceParityTest.compare(report, "sweep", s, null, ours.encode(s), ref.encode(s));
                    }
                }
            }
        }
        report.assertClean();
        assertThat(report.compared).isEqualTo(3 * (0x50000 / CHUNK));
    }
}
