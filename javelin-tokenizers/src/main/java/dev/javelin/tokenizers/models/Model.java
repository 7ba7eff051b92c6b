package dev.javelin.tokenizers.models;

import dev.javelin.tokenizers.NormalizedString;
import dev.javelin.tokenizers.Token;
import java.util.List;

/**
 * The tokenization model of a {@code tokenizer.json} ({@code WordPiece}; {@code BPE} and
 * {@code Unigram} implement the same interface): turns one pre-tokenized word into tokens.
 */
public interface Model {
    /** Appends the tokens of {@code word} to {@code out}; offsets are in {@code word}'s normalized units. */
    void tokenize(NormalizedString word, List<Token> out);

    /** Id of {@code token}, or -1. */
    int tokenToId(String token);

    /** Token of {@code id}, or null. */
    String idToToken(int id);

    int vocabSize();
}
