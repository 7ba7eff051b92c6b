package dev.javelin.tokenizers.models;

import dev.javelin.tokenizers.NormalizedString;
import dev.javelin.tokenizers.Token;
import java.util.List;
import java.util.Map;

/** {@code WordLevel}: each word is one token, its vocabulary id or else {@code unk_token}'s. */
public final class WordLevel implements Model {
    private final VocabIndex vocab;
    private final IdIndex tokens;
    private final String unkToken;

    public WordLevel(Map<String, Integer> vocab, String unkToken) {
        this.vocab = VocabIndex.of(vocab);
        this.tokens = IdIndex.of(vocab, "WordLevel");
        this.unkToken = unkToken;
    }

    @Override
    public void tokenize(NormalizedString word, List<Token> out) {
        String w = word.normalized();
        int id = vocab.get(w);
        if (id >= 0) {
            out.add(new Token(id, w, 0, w.length()));
            return;
        }
        int unk = vocab.get(unkToken);
        if (unk < 0) {
            throw new IllegalArgumentException("WordLevel: '" + w + "' is not in the vocabulary and unk_token '"
                    + unkToken + "' is not either");
        }
        out.add(new Token(unk, unkToken, 0, w.length()));
    }

    @Override
    public int tokenToId(String token) {
        return vocab.get(token);
    }

    @Override
    public String idToToken(int id) {
        return tokens.token(id);
    }

    @Override
    public int vocabSize() {
        return vocab.size();
    }
}
