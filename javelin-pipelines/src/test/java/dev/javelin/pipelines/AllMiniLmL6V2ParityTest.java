package dev.javelin.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import dev.javelin.bundled.BundledModel;
import dev.javelin.tokenizers.Encoding;
import dev.javelin.tokenizers.Tokenizer;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class AllMiniLmL6V2ParityTest extends RealModelParityTest {
    @Override
    BundledModel model() {
        return BundledModel.ALL_MINILM_L6_V2;
    }

    /**
     * sentence-transformers truncates all-MiniLM-L6-v2 at max_seq_length 256, not at the 128 its
     * exported tokenizer.json names: a text of 129–256 tokens is embedded whole, as in Python.
     */
    @Test
    void aTextOf129To256TokensIsEmbeddedWhole() throws Exception {
        assertThat(encoder.info().maxInputLength()).isEqualTo(256);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 20; i++) sb.append("Paragraph ").append(i).append(" adds a few more words to the text. ");
        String text = sb.toString();
        Tokenizer untruncated;
        try (InputStream in = model().open(model().tokenizerResource())) {
            untruncated = Tokenizer.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8)).withoutTruncation().withoutPadding();
        }
        int whole = untruncated.encode(text).length();
        assertThat(whole).isBetween(129, 256);
        Encoding e = encoder.tokenizer().encode(text);
        assertThat(e.length()).isEqualTo(whole);
        compare("text of " + whole + " tokens", List.of(e));
    }
}
