package dev.javelin.tokenizers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * The result of encoding one input (or pair): token ids, type ids, tokens, offsets into the original
 * text(s) in UTF-16 units ({@code [start, end)}, {@code [0, 0]} for special and pad tokens),
 * attention and special-token masks, word indices, and the overflowing windows truncation cut off.
 * Immutable: the accessors return copies.
 */
public final class Encoding {
    private final int[] ids;
    private final int[] typeIds;
    private final String[] tokens;
    private final int[] starts;
    private final int[] ends;
    private final int[] specialTokensMask;
    private final int[] attentionMask;
    private final int[] words;
    /** Computes the overflowing windows on first use (null when they were given). */
    private final Supplier<List<Encoding>> overflowingSource;
    private volatile List<Encoding> overflowing;

    Encoding(int[] ids, int[] typeIds, String[] tokens, int[] starts, int[] ends, int[] specialTokensMask,
             int[] attentionMask, int[] words, List<Encoding> overflowing) {
        this.ids = ids;
        this.typeIds = typeIds;
        this.tokens = tokens;
        this.starts = starts;
        this.ends = ends;
        this.specialTokensMask = specialTokensMask;
        this.attentionMask = attentionMask;
        this.words = words;
        this.overflowing = List.copyOf(overflowing);
        this.overflowingSource = null;
    }

    private Encoding(Encoding e, Supplier<List<Encoding>> overflowingSource) {
        this.ids = e.ids;
        this.typeIds = e.typeIds;
        this.tokens = e.tokens;
        this.starts = e.starts;
        this.ends = e.ends;
        this.specialTokensMask = e.specialTokensMask;
        this.attentionMask = e.attentionMask;
        this.words = e.words;
        this.overflowingSource = overflowingSource;
    }

    static final Encoding EMPTY = new Builder(0).build();

    /** An encoding with no tokens. */
    public static Encoding empty() {
        return EMPTY;
    }

    /** Special tokens added by a post-processor: offsets [0, 0], special mask 1, no word. */
    public static Encoding special(int[] ids, String[] tokens, int typeId) {
        Builder b = new Builder(ids.length);
        for (int i = 0; i < ids.length; i++) {
            b.add(ids[i], tokens[i], 0, 0, typeId, 1, 1, -1);
        }
        return b.build();
    }

    public int[] ids() {
        return ids.clone();
    }

    public int[] typeIds() {
        return typeIds.clone();
    }

    /** {@code ids()[t]} without copying the array (a forward pass packs every token of a batch). */
    public int id(int t) {
        return ids[t];
    }

    /** {@code typeIds()[t]} without copying the array. */
    public int typeId(int t) {
        return typeIds[t];
    }

    /** Whether {@code attentionMask()[t]} keeps token t, without copying the array. */
    public boolean attends(int t) {
        return attentionMask[t] != 0;
    }

    public String[] tokens() {
        return tokens.clone();
    }

    /** {@code [start, end)} per token in UTF-16 code units of the input it came from. */
    public int[][] offsets() {
        int[][] o = new int[ids.length][];
        for (int i = 0; i < o.length; i++) {
            o[i] = new int[] {starts[i], ends[i]};
        }
        return o;
    }

    public int[] attentionMask() {
        return attentionMask.clone();
    }

    public int[] specialTokensMask() {
        return specialTokensMask.clone();
    }

    /** Index of the word (pre-tokenizer split) each token came from; -1 for special and pad tokens. */
    public int[] wordIds() {
        return words.clone();
    }

    public int length() {
        return ids.length;
    }

    /** The windows after the first that truncation produced (empty when nothing was cut). */
    public List<Encoding> overflowing() {
        List<Encoding> o = overflowing;
        if (o == null) {
            synchronized (this) {
                o = overflowing;
                if (o == null) {
                    o = List.copyOf(overflowingSource.get());
                    overflowing = o;
                }
            }
        }
        return o;
    }

    /**
     * This encoding with overflowing windows that {@code source} computes when first asked for (the
     * tokenizer's shortcut for long inputs, whose windows would cost the whole input's encoding).
     */
    Encoding withLazyOverflowing(Supplier<List<Encoding>> source) {
        return new Encoding(this, source);
    }

    // ---------------------------------------------------------------------------------------------
    // Operations of the pipeline (the reference's Encoding methods)

    /** This encoding (and its overflowing windows) with every type id set to {@code typeId}. */
    public Encoding withTypeIds(int typeId) {
        int[] t = new int[ids.length];
        Arrays.fill(t, typeId);
        List<Encoding> over = overflowing();
        if (!over.isEmpty()) {
            over = new ArrayList<>(overflowing().size());
            for (Encoding o : overflowing()) {
                over.add(o.withTypeIds(typeId));
            }
        }
        return new Encoding(ids, t, tokens, starts, ends, specialTokensMask, attentionMask, words, over);
    }

    /**
     * This encoding with every type id set to {@code typeId}, its overflowing windows keeping theirs: the
     * reference's {@code set_type_ids}, through which a template gives its type ids to the sequences but
     * not to their windows (those keep 0 for the first sequence and 1 for the pair).
     */
    public Encoding withOwnTypeIds(int typeId) {
        int[] t = new int[ids.length];
        Arrays.fill(t, typeId);
        return new Encoding(ids, t, tokens, starts, ends, specialTokensMask, attentionMask, words, overflowing());
    }

    /** This encoding with other offsets (same length; overflowing windows unchanged). */
    public Encoding withOffsets(int[] newStarts, int[] newEnds) {
        if (newStarts.length != ids.length || newEnds.length != ids.length) {
            throw new IllegalArgumentException("offsets for " + newStarts.length + " tokens, encoding has " + ids.length);
        }
        return new Encoding(ids, typeIds, tokens, newStarts.clone(), newEnds.clone(), specialTokensMask, attentionMask,
                words, overflowing());
    }

    /** This encoding with other overflowing windows. */
    public Encoding withOverflowing(List<Encoding> o) {
        return new Encoding(ids, typeIds, tokens, starts, ends, specialTokensMask, attentionMask, words, o);
    }

    private Encoding range(int from, int to) {
        return new Encoding(Arrays.copyOfRange(ids, from, to), Arrays.copyOfRange(typeIds, from, to),
                Arrays.copyOfRange(tokens, from, to), Arrays.copyOfRange(starts, from, to),
                Arrays.copyOfRange(ends, from, to), Arrays.copyOfRange(specialTokensMask, from, to),
                Arrays.copyOfRange(attentionMask, from, to), Arrays.copyOfRange(words, from, to), List.of());
    }

    /** Keeps {@code maxLen} tokens; the rest become overflowing windows overlapping by {@code stride}. */
    public Encoding truncate(int maxLen, int stride, Truncation.Direction direction) {
        int len = ids.length;
        if (maxLen >= len) {
            return this;
        }
        if (maxLen == 0) {
            return EMPTY.withOverflowing(List.of(this));
        }
        if (stride >= maxLen) {
            throw new IllegalArgumentException("truncation stride " + stride
                    + " must be less than the length left after special tokens (" + maxLen + ")");
        }
        int step = maxLen - stride;
        List<int[]> parts = new ArrayList<>();
        if (direction == Truncation.Direction.RIGHT) {
            for (int start = 0; start < len; start += step) {
                int stop = Math.min(start + maxLen, len);
                parts.add(new int[] {start, stop});
                if (stop == len) {
                    break;
                }
            }
        } else {
            for (int s = len - 1; s >= 0; s -= step) {
                int stop = s + 1;
                int start = Math.max(0, stop - maxLen);
                parts.add(new int[] {start, stop});
                if (start == 0) {
                    break;
                }
            }
        }
        Encoding first = range(parts.get(0)[0], parts.get(0)[1]);
        List<Encoding> over = new ArrayList<>(parts.size() - 1);
        for (int i = 1; i < parts.size(); i++) {
            over.add(range(parts.get(i)[0], parts.get(i)[1]));
        }
        return first.withOverflowing(over);
    }

    /** This followed by {@code pair}, overflowing windows combined as the reference does. */
    public Encoding mergeWith(Encoding pair) {
        List<Encoding> over = new ArrayList<>();
        for (Encoding selfO : overflowing()) {
            over.add(selfO.mergeWith(pair));
            for (Encoding otherO : pair.overflowing()) {
                over.add(selfO.mergeWith(otherO));
            }
        }
        for (Encoding otherO : pair.overflowing()) {
            over.add(this.mergeWith(otherO));
        }
        return new Encoding(concat(ids, pair.ids), concat(typeIds, pair.typeIds), concat(tokens, pair.tokens),
                concat(starts, pair.starts), concat(ends, pair.ends),
                concat(specialTokensMask, pair.specialTokensMask), concat(attentionMask, pair.attentionMask),
                concat(words, pair.words), over);
    }

    /** Pads to {@code target} tokens (overflowing windows too); longer encodings are left alone. */
    public Encoding pad(int target, int padId, int padTypeId, String padToken, Padding.Direction direction) {
        if (overflowing == null) {
            // Not computed yet: pad them when (if) they are.
            Encoding main = withOverflowing(List.of()).pad(target, padId, padTypeId, padToken, direction);
            return main.withLazyOverflowing(() -> {
                List<Encoding> padded = new ArrayList<>();
                for (Encoding o : overflowing()) {
                    padded.add(o.pad(target, padId, padTypeId, padToken, direction));
                }
                return padded;
            });
        }
        List<Encoding> over = overflowing;
        if (!over.isEmpty()) {
            over = new ArrayList<>(overflowing.size());
            for (Encoding o : overflowing) {
                over.add(o.pad(target, padId, padTypeId, padToken, direction));
            }
        }
        int len = ids.length;
        if (len >= target) {
            return over == overflowing ? this : withOverflowing(over);
        }
        int n = target - len;
        boolean left = direction == Padding.Direction.LEFT;
        return new Encoding(padded(ids, n, padId, left), padded(typeIds, n, padTypeId, left),
                padded(tokens, n, padToken, left), padded(starts, n, 0, left), padded(ends, n, 0, left),
                padded(specialTokensMask, n, 1, left), padded(attentionMask, n, 0, left),
                padded(words, n, -1, left), over);
    }

    private static int[] padded(int[] a, int n, int value, boolean left) {
        int[] r = new int[a.length + n];
        int at = left ? n : 0;
        System.arraycopy(a, 0, r, at, a.length);
        if (left) {
            Arrays.fill(r, 0, n, value);
        } else {
            Arrays.fill(r, a.length, r.length, value);
        }
        return r;
    }

    private static String[] padded(String[] a, int n, String value, boolean left) {
        String[] r = new String[a.length + n];
        int at = left ? n : 0;
        System.arraycopy(a, 0, r, at, a.length);
        if (left) {
            Arrays.fill(r, 0, n, value);
        } else {
            Arrays.fill(r, a.length, r.length, value);
        }
        return r;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static String[] concat(String[] a, String[] b) {
        String[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Override
    public String toString() {
        return "Encoding" + Arrays.toString(tokens) + Arrays.toString(ids);
    }

    /** Accumulates tokens, then freezes them into an {@link Encoding}. */
    public static final class Builder {
        private int[] ids;
        private int[] typeIds;
        private String[] tokens;
        private int[] starts;
        private int[] ends;
        private int[] special;
        private int[] attention;
        private int[] words;
        private int size;

        public Builder(int capacity) {
            int c = Math.max(1, capacity);
            ids = new int[c];
            typeIds = new int[c];
            tokens = new String[c];
            starts = new int[c];
            ends = new int[c];
            special = new int[c];
            attention = new int[c];
            words = new int[c];
        }

        public void add(int id, String token, int start, int end, int typeId, int specialToken, int attend,
                        int word) {
            if (size == ids.length) {
                int c = size * 2;
                ids = Arrays.copyOf(ids, c);
                typeIds = Arrays.copyOf(typeIds, c);
                tokens = Arrays.copyOf(tokens, c);
                starts = Arrays.copyOf(starts, c);
                ends = Arrays.copyOf(ends, c);
                special = Arrays.copyOf(special, c);
                attention = Arrays.copyOf(attention, c);
                words = Arrays.copyOf(words, c);
            }
            ids[size] = id;
            typeIds[size] = typeId;
            tokens[size] = token;
            starts[size] = start;
            ends[size] = end;
            special[size] = specialToken;
            attention[size] = attend;
            words[size++] = word;
        }

        public int size() {
            return size;
        }

        public Encoding build() {
            return new Encoding(Arrays.copyOf(ids, size), Arrays.copyOf(typeIds, size), Arrays.copyOf(tokens, size),
                    Arrays.copyOf(starts, size), Arrays.copyOf(ends, size), Arrays.copyOf(special, size),
                    Arrays.copyOf(attention, size), Arrays.copyOf(words, size), List.of());
        }
    }
}
