package dev.javelin.tokenizers.models;

import dev.javelin.tokenizers.NormalizedString;
import dev.javelin.tokenizers.Token;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * {@code BPE}: a word starts as its characters (the ones after the first carrying
 * {@code continuing_subword_prefix}, the last {@code end_of_word_suffix}); characters outside the
 * vocabulary become {@code unk_token} (consecutive ones fused into one with {@code fuse_unk}, dropped
 * when there is no unknown token); then the adjacent pair with the best-ranked merge is merged, the
 * leftmost among equals, until no pair has a merge. With {@code ignore_merges} a word that is itself in
 * the vocabulary is one token. (Dropout and byte fallback are rejected when loading.)
 */
public final class BPE implements Model {
    /** One merge rule: the tokens of its left and right parts (the right one with the prefix, if any). */
    public record Merge(String left, String right) {
    }

    private final Map<String, Integer> vocab;
    private final Map<Integer, String> idToToken = new HashMap<>();
    /** (left id, right id) → rank in the high 32 bits, merged id in the low ones. */
    private final Map<Long, Long> merges = new HashMap<>();
    private final Integer unkId;
    private final String prefix;
    private final String suffix;
    private final boolean fuseUnk;
    private final boolean ignoreMerges;

    public BPE(Map<String, Integer> vocab, List<Merge> mergeList, String unkToken, String continuingSubwordPrefix,
               String endOfWordSuffix, boolean fuseUnk, boolean ignoreMerges) {
        this.vocab = Map.copyOf(vocab);
        vocab.forEach((t, id) -> idToToken.merge(id, t, (a, b) -> a.compareTo(b) <= 0 ? a : b));
        this.prefix = continuingSubwordPrefix;
        this.suffix = endOfWordSuffix;
        this.fuseUnk = fuseUnk;
        this.ignoreMerges = ignoreMerges;
        if (unkToken != null && !vocab.containsKey(unkToken)) {
            throw new IllegalArgumentException("BPE unk_token '" + unkToken + "' is not in the vocabulary");
        }
        this.unkId = unkToken == null ? null : vocab.get(unkToken);
        int prefixLength = prefix == null ? 0 : prefix.length();
        for (int rank = 0; rank < mergeList.size(); rank++) {
            Merge m = mergeList.get(rank);
            int left = idOf(m.left());
            int right = idOf(m.right());
            if (m.right().length() < prefixLength) {
                throw new IllegalArgumentException("BPE merge '" + m.left() + " " + m.right()
                        + "': the right part is shorter than continuing_subword_prefix");
            }
            int merged = idOf(m.left() + m.right().substring(prefixLength));
            merges.put(pair(left, right), ((long) rank << 32) | (merged & 0xFFFFFFFFL));
        }
    }

    private int idOf(String token) {
        Integer id = vocab.get(token);
        if (id == null) {
            throw new IllegalArgumentException("BPE merge uses '" + token + "', which is not in the vocabulary");
        }
        return id;
    }

    private static long pair(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    @Override
    public void tokenize(NormalizedString word, List<Token> out) {
        String w = word.normalized();
        if (w.isEmpty()) {
            return;
        }
        if (ignoreMerges) {
            Integer id = vocab.get(w);
            if (id != null) {
                out.add(new Token(id, w, 0, w.length()));
                return;
            }
        }
        Symbols s = initialSymbols(w);
        mergeAll(s);
        for (int i = 0; i < s.size; i++) {
            if (s.len[i] > 0) {
                out.add(new Token(s.id[i], idToToken.get(s.id[i]), s.start[i], s.start[i] + s.len[i]));
            }
        }
    }

    private Symbols initialSymbols(String w) {
        Symbols s = new Symbols(w.length());
        int unk = -1;
        int unkStart = 0;
        int unkLen = 0;
        for (int i = 0; i < w.length(); ) {
            int n = Character.charCount(w.codePointAt(i));
            String piece = w.substring(i, i + n);
            if (i > 0 && prefix != null) {
                piece = prefix + piece;
            }
            if (i + n == w.length() && suffix != null) {
                piece = piece + suffix;
            }
            Integer id = vocab.get(piece);
            if (id != null) {
                if (unk >= 0) {
                    s.add(unk, unkStart, unkLen);
                    unk = -1;
                }
                s.add(id, i, n);
            } else if (unkId != null) {
                if (unk >= 0 && fuseUnk) {
                    unkLen += n;
                } else {
                    if (unk >= 0) {
                        s.add(unk, unkStart, unkLen);
                    }
                    unk = unkId;
                    unkStart = i;
                    unkLen = n;
                }
            }
            i += n;
        }
        if (unk >= 0) {
            s.add(unk, unkStart, unkLen);
        }
        return s;
    }

    /** Applies merges best rank first (leftmost among equals), as the reference's priority queue does. */
    private void mergeAll(Symbols s) {
        // Entries {rank, position, merged id}: best rank first, then leftmost.
        PriorityQueue<long[]> queue = new PriorityQueue<>((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0])
                : Long.compare(a[1], b[1]));
        for (int i = 0; i + 1 < s.size; i++) {
            offer(queue, s, i, i + 1);
        }
        while (!queue.isEmpty()) {
            long[] top = queue.poll();
            int pos = (int) top[1];
            int mergedId = (int) top[2];
            if (s.len[pos] == 0 || s.next[pos] < 0) {
                continue;
            }
            int right = s.next[pos];
            Long m = merges.get(pair(s.id[pos], s.id[right]));
            if (m == null || (int) (long) m != mergedId) {
                continue;
            }
            s.id[pos] = mergedId;
            s.len[pos] += s.len[right];
            s.next[pos] = s.next[right];
            s.len[right] = 0;
            if (s.next[right] >= 0) {
                s.prev[s.next[right]] = pos;
            }
            if (s.prev[pos] >= 0) {
                offer(queue, s, s.prev[pos], pos);
            }
            if (s.next[pos] >= 0) {
                offer(queue, s, pos, s.next[pos]);
            }
        }
    }

    private void offer(PriorityQueue<long[]> queue, Symbols s, int left, int right) {
        Long m = merges.get(pair(s.id[left], s.id[right]));
        if (m != null) {
            queue.add(new long[] {m >>> 32, left, (int) (long) m});
        }
    }

    /** The symbols of a word being merged: a doubly linked list over arrays; merged-away ones have length 0. */
    private static final class Symbols {
        final int[] id;
        final int[] start;
        final int[] len;
        final int[] prev;
        final int[] next;
        int size;

        Symbols(int capacity) {
            id = new int[capacity];
            start = new int[capacity];
            len = new int[capacity];
            prev = new int[capacity];
            next = new int[capacity];
        }

        void add(int tokenId, int from, int length) {
            id[size] = tokenId;
            start[size] = from;
            len[size] = length;
            prev[size] = size - 1;
            next[size] = -1;
            if (size > 0) {
                next[size - 1] = size;
            }
            size++;
        }
    }

    @Override
    public int tokenToId(String token) {
        Integer id = vocab.get(token);
        return id == null ? -1 : id;
    }

    @Override
    public String idToToken(int id) {
        return idToToken.get(id);
    }

    @Override
    public int vocabSize() {
        return vocab.size();
    }
}
