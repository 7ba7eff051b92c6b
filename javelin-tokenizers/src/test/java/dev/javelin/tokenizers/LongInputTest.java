package dev.javelin.tokenizers;

import static dev.javelin.tokenizers.HuggingFaceParityTest.difference;
import static dev.javelin.tokenizers.HuggingFaceParityTest.options;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.javelin.tokenizers.models.Model;
import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Long inputs with right truncation are tokenized from a prefix: the work done stays proportional to
 * the max length, not to the input, and the result (overflowing windows included, computed when
 * asked for) equals the reference's.
 */
class LongInputTest {
    /** Counts the words the model is asked to tokenize. */
    record CountingModel(Model model, AtomicInteger words) implements Model {
        @Override
        public void tokenize(dev.javelin.tokenizers.NormalizedString word, List<Token> out) {
            words.incrementAndGet();
            model.tokenize(word, out);
        }

        @Override
        public int tokenToId(String token) {
            return model.tokenToId(token);
        }

        @Override
        public String idToToken(int id) {
            return model.idToToken(id);
        }

        @Override
        public int vocabSize() {
            return model.vocabSize();
        }
    }

    static String text(int chars, long seed) throws IOException {
        List<String> corpus = ParityCorpus.standard();
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder sb = new StringBuilder(chars + 4096);
        while (sb.length() < chars) {
            sb.append(corpus.get(r.nextInt(corpus.size()))).append(' ');
        }
        return sb.toString();
    }

    @Test
    void megabyteInputWithMaxLength512DoesWorkForThePrefixOnlyAndMatchesReference() throws IOException {
        String json = HuggingFaceParityTest.json(HuggingFaceParityTest.FILES[0]);
        AtomicInteger words = new AtomicInteger();
        Tokenizer base = Tokenizer.fromJson(json).withoutPadding().withTruncation(Truncation.of(512));
        Tokenizer ours = base.withModel(new CountingModel(base.model(), words));
        String text = text(1 << 20, 7);
        Encoding e = ours.encode(text);
        assertThat(e.length()).isEqualTo(512);
        // The whole input holds ~180,000 words; 512 tokens need a few hundred of them.
        assertThat(words.get()).isBetween(200, 2_000);
        try (HuggingFaceTokenizer ref = HuggingFaceParityTest.reference(json, options("truncation", "true",
                "padding", "false", "maxLength", "512"))) {
            String diff = difference(text, null, e.withOverflowing(List.of()),
                    ref.encode(Tokenizer.replaceLoneSurrogates(text)));
            assertThat(diff).as("difference from the reference").isNull();
        }
        assertThat(words.get()).as("overflowing windows not computed unless asked for").isLessThan(2_000);
    }

    @Test
    void overflowingWindowsOfTheShortcutEqualReference() throws IOException {
        String json = HuggingFaceParityTest.json(HuggingFaceParityTest.FILES[1]);
        AtomicInteger words = new AtomicInteger();
        // DJL pads to its max length, which is also its truncation length.
        Tokenizer base = Tokenizer.fromJson(json).withTruncation(new Truncation(80,
                Truncation.Strategy.LONGEST_FIRST, 8, Truncation.Direction.RIGHT)).withPadding(Padding.fixed(80));
        Tokenizer ours = base.withModel(new CountingModel(base.model(), words));
        try (HuggingFaceTokenizer ref = HuggingFaceParityTest.reference(json, options("truncation", "true",
                "padding", "max_length", "maxLength", "80", "stride", "8", "withOverflowingTokens", "true"))) {
            for (long seed = 1; seed <= 5; seed++) {
                String text = text(30_000, seed);
                words.set(0);
                Encoding e = ours.encode(text);
                int headWords = words.get();
                assertThat(headWords).isLessThan(1_000);
                String diff = difference(text, null, e, ref.encode(Tokenizer.replaceLoneSurrogates(text)));
                assertThat(diff).as("seed " + seed).isNull();
                assertThat(e.overflowing()).hasSizeGreaterThan(50);
                assertThat(words.get()).isGreaterThan(headWords);
            }
        }
    }
}
