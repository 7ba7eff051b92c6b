package dev.javelin.tokenizers.models;

import dev.javelin.tokenizers.NormalizedString;
import dev.javelin.tokenizers.Token;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code Unigram} (SentencePiece): the segmentation of a word into vocabulary pieces with the highest
 * total score (log probability), found by Viterbi over the lattice of all pieces that occur in it.
 * A character that no one-character piece covers gets the unknown piece, scored the lowest piece score
 * minus 10, and consecutive unknown pieces are fused into one token whose text is the surface text.
 * With {@code byte_fallback} an unknown token becomes its UTF-8 bytes as {@code <0xNN>} pieces when the
 * vocabulary has them all. Ties keep the path found first (the earlier start), as the reference does.
 * The piece trie is built once, when the model is loaded.
 */
public final class Unigram implements Model {
    /** The reference's penalty below the lowest piece score for an unknown character. */
    private static final double UNKNOWN_PENALTY = 10.0;

    private final String[] pieces;
    private final double[] scores;
    private final VocabIndex ids;
    private final Integer unkId;
    private final boolean byteFallback;
    private final double unkScore;
    private final VocabTrie trie;
    /** Ids of {@code <0x00>}..{@code <0xFF>} (−1 where absent), for byte fallback. */
    private final int[] byteIds = new int[256];

    /**
     * @param pieces the vocabulary in id order
     * @param scores the score of each piece
     * @param unkId the unknown piece's id, or null when the file has none
     */
    public Unigram(List<String> pieces, double[] scores, Integer unkId, boolean byteFallback) {
        if (pieces.size() != scores.length) {
            throw new IllegalArgumentException("Unigram: " + pieces.size() + " pieces but " + scores.length + " scores");
        }
        if (unkId != null) {
            if (pieces.isEmpty()) {
                throw new IllegalArgumentException("Unigram: the vocabulary is empty but unk_id is set");
            }
            if (unkId < 0 || unkId >= pieces.size()) {
                throw new IllegalArgumentException("Unigram: unk_id " + unkId + " is outside the vocabulary of "
                        + pieces.size() + " pieces");
            }
        }
        this.pieces = pieces.toArray(String[]::new);
        this.scores = scores.clone();
        this.unkId = unkId;
        this.byteFallback = byteFallback;
        // A repeated piece keeps its last id, as the reference's map does.
        this.ids = VocabIndex.ofList(this.pieces);
        double min = Double.POSITIVE_INFINITY;
        long chars = 0;
        for (int id = 0; id < this.pieces.length; id++) {
            min = Math.min(min, scores[id]);
            chars += this.pieces[id].length();
        }
        this.unkScore = min - UNKNOWN_PENALTY;
        VocabTrie.Builder builder = new VocabTrie.Builder((int) Math.min(chars, 1 << 20));
        ids.forEach((piece, id) -> builder.add(piece, 0, piece, id));
        this.trie = builder.build();
        for (int b = 0; b < 256; b++) {
            byteIds[b] = ids.get(String.format("<0x%02X>", b));
        }
    }

    @Override
    public void tokenize(NormalizedString word, List<Token> out) {
        int n = word.length();
        if (n == 0) {
            return;
        }
        char[] buf = word.buffer();
        int base = word.bufferOffset();
        double[] best = new double[n + 1];
        int[] from = new int[n + 1];
        int[] id = new int[n + 1];
        java.util.Arrays.fill(from, 1, n + 1, -1);
        for (int start = 0; start < n; ) {
            double here = best[start];
            int width = width(buf, base, start, n);
            boolean single = false;
            int node = VocabTrie.root();
            for (int i = start; i < n; i++) {
                node = trie.child(node, buf[base + i]);
                if (node < 0) {
                    break;
                }
                int end = i + 1;
                int piece = trie.tokenId(node);
                if (piece < 0 || (end < n && Character.isHighSurrogate(buf[base + i])
                        && Character.isLowSurrogate(buf[base + end]))) {
                    continue;
                }
                double score = scores[piece] + here;
                if (from[end] < 0 || score > best[end]) {
                    best[end] = score;
                    from[end] = start;
                    id[end] = piece;
                }
                single |= end - start == width;
            }
            if (!single) {
                int end = start + width;
                double score = unkScore + here;
                if (from[end] < 0 || score > best[end]) {
                    if (unkId == null) {
                        throw new IllegalArgumentException("Unigram: '" + new String(buf, base + start, width)
                                + "' is not in the vocabulary and the model has no unk_id");
                    }
                    best[end] = score;
                    from[end] = start;
                    id[end] = unkId;
                }
            }
            start += width;
        }
        emit(buf, base, n, from, id, out);
    }

    /** Walks the best path back from the end, fusing runs of unknown pieces, and appends its tokens in order. */
    private void emit(char[] buf, int base, int n, int[] from, int[] id, List<Token> out) {
        List<int[]> spans = new ArrayList<>();
        int end = n;
        int unkEnd = -1;
        while (end > 0) {
            int start = from[end];
            boolean unknown = unkId != null && id[end] == unkId;
            if (unknown) {
                if (unkEnd < 0) {
                    unkEnd = end;
                }
            } else {
                if (unkEnd >= 0) {
                    spans.add(new int[] {end, unkEnd, -1});
                    unkEnd = -1;
                }
                spans.add(new int[] {start, end, id[end]});
            }
            end = start;
        }
        if (unkEnd >= 0) {
            spans.add(new int[] {0, unkEnd, -1});
        }
        for (int k = spans.size() - 1; k >= 0; k--) {
            int[] s = spans.get(k);
            if (s[2] >= 0) {
                out.add(new Token(s[2], pieces[s[2]], s[0], s[1]));
                continue;
            }
            String text = new String(buf, base + s[0], s[1] - s[0]);
            int known = ids.get(text);
            if (known >= 0) {
                out.add(new Token(known, text, s[0], s[1]));
            } else if (!byteFallback || !bytePieces(text, s[0], s[1], out)) {
                out.add(new Token(unkId, text, s[0], s[1]));
            }
        }
    }

    /** The UTF-8 bytes of {@code text} as {@code <0xNN>} pieces, each spanning all of it; false if one is missing. */
    private boolean bytePieces(String text, int start, int end, List<Token> out) {
        byte[] utf8 = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (byte b : utf8) {
            if (byteIds[b & 0xFF] < 0) {
                return false;
            }
        }
        for (byte b : utf8) {
            int piece = byteIds[b & 0xFF];
            out.add(new Token(piece, pieces[piece], start, end));
        }
        return true;
    }

    private static int width(char[] buf, int base, int i, int n) {
        return i + 1 < n && Character.isHighSurrogate(buf[base + i]) && Character.isLowSurrogate(buf[base + i + 1])
                ? 2 : 1;
    }

    @Override
    public int tokenToId(String token) {
        return ids.get(token);
    }

    @Override
    public String idToToken(int id) {
        return id >= 0 && id < pieces.length ? pieces[id] : null;
    }

    @Override
    public int vocabSize() {
        return pieces.length;
    }
}
