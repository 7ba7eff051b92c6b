package dev.javelin.bench;

import dev.javelin.tokenizers.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A deterministic mix of sentence-like texts for load tests: whole words of the model's own
 * vocabulary (so every word is one real token), lengths spread like short documents and queries.
 */
final class TextMix {
    private TextMix() {
    }

    /**
     * {@code count} texts of {@code minWords}..{@code maxWords} words drawn with a fixed seed from the
     * tokenizer's plain lowercase words.
     */
    static List<String> generate(Tokenizer tokenizer, int count, int minWords, int maxWords, long seed) {
        List<String> words = new ArrayList<>();
        for (int id = 0; id < tokenizer.vocabSize() && words.size() < 5000; id++) {
            String token = tokenizer.idToToken(id);
            if (token != null && token.length() >= 3 && token.chars().allMatch(c -> c >= 'a' && c <= 'z')) {
                words.add(token);
            }
        }
        if (words.isEmpty()) {
            throw new IllegalStateException("the tokenizer has no plain lowercase words to build texts from");
        }
        SplittableRandom random = new SplittableRandom(seed);
        List<String> texts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int n = random.nextInt(minWords, maxWords + 1);
            StringBuilder text = new StringBuilder();
            for (int w = 0; w < n; w++) {
                if (w > 0) {
                    text.append(' ');
                }
                text.append(words.get(random.nextInt(words.size())));
            }
            texts.add(text.append('.').toString());
        }
        return texts;
    }
}
