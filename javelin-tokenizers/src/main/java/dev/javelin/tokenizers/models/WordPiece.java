package dev.javelin.tokenizers.models;

import dev.javelin.tokenizers.NormalizedString;
import dev.javelin.tokenizers.Token;
import java.util.List;
import java.util.Map;

/**
 * {@code WordPiece}: greedy longest-match-first segmentation of a word into vocabulary entries, the
 * pieces after the first carrying {@code continuing_subword_prefix}. A word with a piece that is not
 * in the vocabulary, or longer than {@code max_input_chars_per_word} characters, becomes the unknown
 * token. Longest matches come from two tries (word starts; continuations without the prefix).
 */
public final class WordPiece implements Model {
    private final VocabIndex vocab;
    private final IdIndex idToToken;
    private final String unkToken;
    private final int unkId;
    private final String prefix;
    private final int maxInputCharsPerWord;
    private final VocabTrie starts;
    private final VocabTrie continuations;

    public WordPiece(Map<String, Integer> vocab, String unkToken, String continuingSubwordPrefix,
                     int maxInputCharsPerWord) {
        this.vocab = VocabIndex.of(vocab);
        this.unkToken = unkToken;
        this.prefix = continuingSubwordPrefix;
        this.maxInputCharsPerWord = maxInputCharsPerWord;
        Integer unk = vocab.get(unkToken);
        if (unk == null) {
            throw new IllegalArgumentException("WordPiece unk_token '" + unkToken + "' is not in the vocabulary");
        }
        this.unkId = unk;
        idToToken = IdIndex.of(vocab, "WordPiece");
        long chars = 0;
        for (String t : vocab.keySet()) {
            chars += t.length();
        }
        VocabTrie.Builder startsBuilder = new VocabTrie.Builder((int) Math.min(chars, 1 << 20));
        VocabTrie.Builder continuationsBuilder = new VocabTrie.Builder((int) Math.min(chars / 4 + 16, 1 << 20));
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            String t = e.getKey();
            startsBuilder.add(t, 0, t, e.getValue());
            if (!prefix.isEmpty() && t.startsWith(prefix) && t.length() > prefix.length()) {
                continuationsBuilder.add(t, prefix.length(), t, e.getValue());
            }
        }
        starts = startsBuilder.build();
        continuations = continuationsBuilder.build();
    }

    @Override
    public void tokenize(NormalizedString word, List<Token> out) {
        int n = word.length();
        char[] buf = word.buffer();
        int base = word.bufferOffset();
        if (n > maxInputCharsPerWord && Character.codePointCount(buf, base, n) > maxInputCharsPerWord) {
            out.add(new Token(unkId, unkToken, 0, n));
            return;
        }
        int before = out.size();
        int start = 0;
        while (start < n) {
            // An empty prefix makes continuation lookups plain lookups.
            VocabTrie trie = start == 0 || prefix.isEmpty() ? starts : continuations;
            int node = VocabTrie.root();
            int bestEnd = -1;
            int bestNode = -1;
            for (int i = start; i < n; i++) {
                node = trie.child(node, buf[base + i]);
                if (node < 0) {
                    break;
                }
                if (trie.tokenId(node) >= 0 && !(i + 1 < n && Character.isLowSurrogate(buf[base + i + 1])
                        && Character.isHighSurrogate(buf[base + i]))) {
                    bestEnd = i + 1;
                    bestNode = node;
                }
            }
            if (bestEnd < 0) {
                while (out.size() > before) {
                    out.removeLast();
                }
                out.add(new Token(unkId, unkToken, 0, n));
                return;
            }
            out.add(new Token(trie.tokenId(bestNode), trie.token(bestNode), start, bestEnd));
            start = bestEnd;
        }
    }

    @Override
    public int tokenToId(String token) {
        return vocab.get(token);
    }

    @Override
    public String idToToken(int id) {
        return idToToken.token(id);
    }

    @Override
    public int vocabSize() {
        return vocab.size();
    }

    public String continuingSubwordPrefix() {
        return prefix;
    }
}
