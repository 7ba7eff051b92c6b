package dev.javelin.server.scheduling;

import dev.javelin.tokenizers.Encoding;
import dev.javelin.tokenizers.Tokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Test inputs from the real all-MiniLM-L6-v2 tokenizer (shipped in the langchain4j model jar): word
 * {@code key} of a list of single-token vocabulary words, repeated to a given number of tokens, so
 * each input is a genuine encoding whose ids say which input it is.
 */
public final class TestInputs {
    public static final Tokenizer TOKENIZER = load();
    private static final List<String> WORDS = new ArrayList<>();
    private static final Map<Integer, Integer> KEY_BY_ID = new HashMap<>();

    static {
        for (int id = 2000; WORDS.size() < 1000 && id < TOKENIZER.vocabSize(); id++) {
            String token = TOKENIZER.idToToken(id);
            if (token != null && token.chars().allMatch(c -> c >= 'a' && c <= 'z')
                    && TOKENIZER.encode(token, null, false).ids().length == 1) {
                KEY_BY_ID.put(id, WORDS.size());
                WORDS.add(token);
            }
        }
        if (WORDS.size() < 1000) {
            throw new IllegalStateException("only " + WORDS.size() + " single-token words in the vocabulary");
        }
    }

    private TestInputs() {
    }

    private static Tokenizer load() {
        try (InputStream in = TestInputs.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
            if (in == null) {
                throw new IllegalStateException("all-minilm-l6-v2-tokenizer.json is not on the test class path");
            }
            // The file pads to 128 tokens; the server's inputs are never padded.
            return Tokenizer.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8)).withoutPadding()
                    .withoutTruncation();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An encoding of {@code length} tokens, all word {@code key} (0..999), without special tokens. */
    static Encoding words(int key, int length) {
        Encoding e = TOKENIZER.encode((WORDS.get(key) + " ").repeat(length).strip(), null, false);
        if (e.length() != length) {
            throw new IllegalStateException("expected " + length + " tokens, got " + e.length());
        }
        return e;
    }

    /** Which word an input of {@link #words} is made of. */
    static int key(Encoding e) {
        return KEY_BY_ID.get(e.ids()[0]);
    }
}
