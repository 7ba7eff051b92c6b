package dev.javelin.tokenizers.models;

import dev.javelin.tokenizers.NormalizedString;
import dev.javelin.tokenizers.Token;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code BPE}: a word starts as its characters (the ones after the first carrying
 * {@code continuing_subword_prefix}, the last {@code end_of_word_suffix}); a character outside the
 * vocabulary becomes, with {@code byte_fallback}, its UTF-8 bytes as {@code <0xNN>} pieces when the
 * vocabulary has them all, else {@code unk_token} (consecutive ones fused into one with {@code fuse_unk},
 * dropped when there is no unknown token); then the adjacent pair with the best-ranked merge is merged,
 * the leftmost among equals, until no pair has a merge. With {@code ignore_merges} a word that is itself
 * in the vocabulary is one token. With {@code dropout} p each merge is skipped with probability p (the
 * reference does this at encoding time too, so such a model tokenizes at random; p = 1 never merges).
 *
 * <p>Symbols are measured in UTF-8 bytes, as the reference measures them, and each token's span is
 * widened to the whole characters it touches: the {@code <0xNN>} pieces of one character all span it.
 */
public final class BPE implements Model {
    /** One merge rule: the tokens of its left and right parts (the right one with the prefix, if any). */
    public record Merge(String left, String right) {
    }

    /**
     * The model's options as the file names them; {@code dropout} 0 means none.
     */
    public record Options(String unkToken, String continuingSubwordPrefix, String endOfWordSuffix, boolean fuseUnk,
                          boolean byteFallback, boolean ignoreMerges, float dropout) {
        public Options {
            if (!(dropout >= 0 && dropout <= 1)) {
                throw new IllegalArgumentException("BPE dropout must be between 0 and 1, got " + dropout);
            }
        }
    }

    private final VocabIndex vocab;
    private final IdIndex idToToken;
    private final MergeTable merges;
    private final Integer unkId;
    private final String prefix;
    private final String suffix;
    private final boolean fuseUnk;
    private final boolean ignoreMerges;
    private final float dropout;
    /** Ids of {@code <0x00>}..{@code <0xFF>} (−1 where absent) when byte fallback is on, else null. */
    private final int[] byteIds;

    public BPE(Map<String, Integer> vocab, List<Merge> mergeList, Options options) {
        this.vocab = VocabIndex.of(vocab);
        this.idToToken = IdIndex.of(vocab, "BPE");
        this.prefix = options.continuingSubwordPrefix();
        this.suffix = options.endOfWordSuffix();
        this.fuseUnk = options.fuseUnk();
        this.ignoreMerges = options.ignoreMerges();
        this.dropout = options.dropout();
        String unkToken = options.unkToken();
        if (unkToken != null && !vocab.containsKey(unkToken)) {
            throw new IllegalArgumentException("BPE unk_token '" + unkToken + "' is not in the vocabulary");
        }
        this.unkId = unkToken == null ? null : vocab.get(unkToken);
        if (options.byteFallback()) {
            byteIds = new int[256];
            for (int b = 0; b < 256; b++) {
                byteIds[b] = this.vocab.get(String.format("<0x%02X>", b));
            }
        } else {
            byteIds = null;
        }
        int prefixLength = prefix == null ? 0 : prefix.length();
        merges = new MergeTable(mergeList.size());
        for (int rank = 0; rank < mergeList.size(); rank++) {
            Merge m = mergeList.get(rank);
            int left = idOf(m.left());
            int right = idOf(m.right());
            if (m.right().length() < prefixLength) {
                throw new IllegalArgumentException("BPE merge '" + m.left() + " " + m.right()
                        + "': the right part is shorter than continuing_subword_prefix");
            }
            int merged = idOf(m.left() + m.right().substring(prefixLength));
            merges.put(left, right, rank, merged);
        }
    }

    private int idOf(String token) {
        int id = vocab.get(token);
        if (id < 0) {
            throw new IllegalArgumentException("BPE merge uses '" + token + "', which is not in the vocabulary");
        }
        return id;
    }

    @Override
    public void tokenize(NormalizedString word, List<Token> out) {
        String w = word.normalized();
        if (w.isEmpty()) {
            return;
        }
        // The reference skips this shortcut when dropout is set.
        if (ignoreMerges && dropout == 0) {
            int id = vocab.get(w);
            if (id >= 0) {
                out.add(new Token(id, w, 0, w.length()));
                return;
            }
        }
        Symbols s = initialSymbols(w);
        mergeAll(s);
        emit(w, s, out);
    }

    private Symbols initialSymbols(String w) {
        Symbols s = new Symbols(w.length());
        int unk = -1;
        int unkBytes = 0;
        for (int i = 0; i < w.length(); ) {
            int cp = w.codePointAt(i);
            int n = Character.charCount(cp);
            int bytes = utf8Length(cp);
            String piece = w.substring(i, i + n);
            if (i > 0 && prefix != null) {
                piece = prefix + piece;
            }
            if (i + n == w.length() && suffix != null) {
                piece = piece + suffix;
            }
            i += n;
            int id = vocab.get(piece);
            if (id >= 0) {
                if (unk >= 0) {
                    s.add(unk, unkBytes);
                    unk = -1;
                }
                s.add(id, bytes);
            } else if (byteIds != null && addBytePieces(piece, s)) {
                // As in the reference, a pending unknown is not flushed first: it follows the byte pieces.
                continue;
            } else if (unkId != null) {
                if (unk >= 0 && fuseUnk) {
                    unkBytes += bytes;
                } else {
                    if (unk >= 0) {
                        s.add(unk, unkBytes);
                    }
                    unk = unkId;
                    unkBytes = bytes;
                }
            }
        }
        if (unk >= 0) {
            s.add(unk, unkBytes);
        }
        return s;
    }

    /** Adds {@code piece}'s UTF-8 bytes as {@code <0xNN>} symbols of one byte each; false if one is missing. */
    private boolean addBytePieces(String piece, Symbols s) {
        byte[] utf8 = piece.getBytes(StandardCharsets.UTF_8);
        for (byte b : utf8) {
            if (byteIds[b & 0xFF] < 0) {
                return false;
            }
        }
        for (byte b : utf8) {
            s.add(byteIds[b & 0xFF], 1);
        }
        return true;
    }

    private static int utf8Length(int cp) {
        return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }

    /**
     * Appends the remaining symbols as tokens. Their byte spans follow one another from 0, as in the
     * reference; each is mapped to the UTF-16 span of the characters it touches in {@code w}.
     */
    private void emit(String w, Symbols s, List<Token> out) {
        CharCursor cursor = new CharCursor(w);
        int bytePos = 0;
        for (int i = 0; i < s.size; i++) {
            if (s.len[i] == 0) {
                continue;
            }
            int start = cursor.moveTo(bytePos);
            bytePos += s.len[i];
            cursor.moveTo(bytePos - 1);
            out.add(new Token(s.id[i], idToToken.token(s.id[i]), start, cursor.end()));
        }
    }

    /** Walks the characters of a word forward, knowing each one's UTF-8 byte span. */
    private static final class CharCursor {
        private final String w;
        private int start;
        private int byteEnd;

        CharCursor(String w) {
            this.w = w;
            this.byteEnd = utf8Length(w.codePointAt(0));
        }

        /** Moves to the character holding byte {@code b} (the last character past the end); returns its start. */
        int moveTo(int b) {
            while (byteEnd <= b && end() < w.length()) {
                start = end();
                byteEnd += utf8Length(w.codePointAt(start));
            }
            return start;
        }

        int end() {
            return start + Character.charCount(w.codePointAt(start));
        }
    }

    /** Applies merges best rank first (leftmost among equals), as the reference's priority queue does. */
    private void mergeAll(Symbols s) {
        // Entries {rank, position, merged id}: best rank first, then leftmost.
        PriorityQueue<long[]> queue = new PriorityQueue<>((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0])
                : Long.compare(a[1], b[1]));
        for (int i = 0; i + 1 < s.size; i++) {
            offer(queue, s, i, i + 1);
        }
        List<long[]> skipped = dropout > 0 ? new ArrayList<>() : null;
        while (!queue.isEmpty()) {
            long[] top = queue.poll();
            if (skipped != null) {
                // The reference's dropout: a skipped merge waits until some other entry is taken.
                if (ThreadLocalRandom.current().nextFloat() < dropout) {
                    skipped.add(top);
                    continue;
                }
                queue.addAll(skipped);
                skipped.clear();
            }
            int pos = (int) top[1];
            int mergedId = (int) top[2];
            if (s.len[pos] == 0 || s.next[pos] < 0) {
                continue;
            }
            int right = s.next[pos];
            long m = merges.get(s.id[pos], s.id[right]);
            if (m < 0 || (int) m != mergedId) {
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
        long m = merges.get(s.id[left], s.id[right]);
        if (m >= 0) {
            queue.add(new long[] {m >>> 32, left, (int) m});
        }
    }

    /** The symbols of a word being merged: a doubly linked list over arrays; merged-away ones have length 0. */
    private static final class Symbols {
        int[] id;
        int[] len;
        int[] prev;
        int[] next;
        int size;

        Symbols(int capacity) {
            id = new int[capacity];
            len = new int[capacity];
            prev = new int[capacity];
            next = new int[capacity];
        }

        void add(int tokenId, int byteLength) {
            if (size == id.length) {
                // Byte pieces can outnumber the characters.
                int c = size * 2 + 4;
                id = Arrays.copyOf(id, c);
                len = Arrays.copyOf(len, c);
                prev = Arrays.copyOf(prev, c);
                next = Arrays.copyOf(next, c);
            }
            id[size] = tokenId;
            len[size] = byteLength;
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
}
