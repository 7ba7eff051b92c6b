package dev.javelin.tokenizers;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.function.IntUnaryOperator;

/**
 * A piece of text being normalized, with the alignment of every normalized UTF-16 unit to a range of
 * the original input, so that token offsets map back to what the user passed in. The semantics follow
 * the Rust {@code NormalizedString} (whose alignments are per byte; here they are per UTF-16 unit,
 * which gives the same ranges since both units of a surrogate pair share one alignment).
 *
 * <p>Alignments are absolute UTF-16 offsets into the whole input string, so slices share the arrays
 * of their parent until a transformation rewrites them (copy on write).
 */
public final class NormalizedString {
    private final int originalStart;
    private final int originalEnd;
    private char[] chars;
    private int[] alignStart;
    private int[] alignEnd;
    private int offset;
    private int length;

    private NormalizedString(int originalStart, int originalEnd, char[] chars, int[] alignStart,
                             int[] alignEnd, int offset, int length) {
        this.originalStart = originalStart;
        this.originalEnd = originalEnd;
        this.chars = chars;
        this.alignStart = alignStart;
        this.alignEnd = alignEnd;
        this.offset = offset;
        this.length = length;
    }

    /** The whole of {@code text}, not yet normalized. */
    public static NormalizedString of(String text) {
        return of(text, 0, text.length());
    }

    /** {@code text[start, end)} not yet normalized, with offsets relative to {@code text}. */
    public static NormalizedString of(String text, int start, int end) {
        int n = end - start;
        char[] chars = new char[n];
        text.getChars(start, end, chars, 0);
        int[] s = new int[n];
        int[] e = new int[n];
        for (int i = 0; i < n; i++) {
            int pos = start + i;
            if (Character.isHighSurrogate(chars[i]) && i + 1 < n && Character.isLowSurrogate(chars[i + 1])) {
                s[i] = pos;
                e[i] = pos + 2;
                s[i + 1] = pos;
                e[i + 1] = pos + 2;
                i++;
            } else {
                s[i] = pos;
                e[i] = pos + 1;
            }
        }
        return new NormalizedString(start, end, chars, s, e, 0, n);
    }

    /** Number of UTF-16 units of the normalized text. */
    public int length() {
        return length;
    }

    public boolean isEmpty() {
        return length == 0;
    }

    public char charAt(int i) {
        return chars[offset + i];
    }

    /** Code point at normalized index {@code i} (a lone surrogate is returned as itself). */
    public int codePointAt(int i) {
        return Character.codePointAt(chars, offset + i, offset + length);
    }

    /** The normalized text. */
    public String normalized() {
        return new String(chars, offset, length);
    }

    /** Backing array and start, for allocation-free scanning; valid until the next transformation. */
    public char[] buffer() {
        return chars;
    }

    public int bufferOffset() {
        return offset;
    }

    public int originalStart() {
        return originalStart;
    }

    public int originalEnd() {
        return originalEnd;
    }

    /** Original start offset of normalized unit {@code i}. */
    public int alignmentStart(int i) {
        return alignStart[offset + i];
    }

    /** Original end offset of normalized unit {@code i}. */
    public int alignmentEnd(int i) {
        return alignEnd[offset + i];
    }

    /**
     * The original range covered by normalized {@code [start, end)}, as Rust's
     * {@code convert_offsets(Range::Normalized)}: the first unit's start to the last unit's end.
     * An empty range is returned unchanged (shifted to this piece), as the reference does.
     */
    public long originalRange(int start, int end) {
        if (start == end) {
            return pack(originalStart + start, originalStart + end);
        }
        return pack(alignStart[offset + start], alignEnd[offset + end - 1]);
    }

    static long pack(int start, int end) {
        return ((long) start << 32) | (end & 0xFFFFFFFFL);
    }

    static int packedStart(long range) {
        return (int) (range >>> 32);
    }

    static int packedEnd(long range) {
        return (int) range;
    }

    /** A view of normalized {@code [start, end)} that shares this string's arrays. */
    public NormalizedString slice(int start, int end) {
        int oStart;
        int oEnd;
        if (start == end) {
            oStart = originalStart + start;
            oEnd = oStart;
        } else {
            oStart = alignStart[offset + start];
            oEnd = alignEnd[offset + end - 1];
        }
        return new NormalizedString(oStart, oEnd, chars, alignStart, alignEnd, offset + start, end - start);
    }

    // ---------------------------------------------------------------------------------------------
    // Transformations

    /**
     * Rewrites normalized {@code [start, end)} from a list of (code point, change) pairs, as Rust's
     * {@code transform_range}: change 0 replaces the next original character, a positive change
     * inserts a character aligned with the previous one, a negative change {@code -n} replaces the
     * next character and removes the {@code n} after it. The first {@code initialOffset} characters
     * of the range are removed.
     */
    public void transformRange(int start, int end, Changes changes, int initialOffset) {
        int pos = offset + start;
        int rangeEnd = offset + end;
        for (int k = 0; k < initialOffset && pos < rangeEnd; k++) {
            pos += unitLength(pos, rangeEnd);
        }
        int produced = 0;
        for (int k = 0; k < changes.size; k++) {
            produced += Character.charCount(changes.cps[k]);
        }
        int newLength = length - (end - start) + produced;
        char[] nChars = new char[newLength];
        int[] nStart = new int[newLength];
        int[] nEnd = new int[newLength];
        System.arraycopy(chars, offset, nChars, 0, start);
        System.arraycopy(alignStart, offset, nStart, 0, start);
        System.arraycopy(alignEnd, offset, nEnd, 0, start);
        int w = start;
        for (int k = 0; k < changes.size; k++) {
            int cp = changes.cps[k];
            int change = changes.changes[k];
            int as;
            int ae;
            if (change > 0) {
                if (pos - offset < 1) {
                    as = originalStart;
                    ae = originalStart;
                } else {
                    as = alignStart[pos - 1];
                    ae = alignEnd[pos - 1];
                }
            } else {
                as = alignStart[pos];
                ae = alignEnd[pos];
                pos += unitLength(pos, rangeEnd);
                for (int r = 0; r < -change && pos < rangeEnd; r++) {
                    pos += unitLength(pos, rangeEnd);
                }
            }
            if (Character.isBmpCodePoint(cp)) {
                nChars[w] = (char) cp;
                nStart[w] = as;
                nEnd[w++] = ae;
            } else {
                nChars[w] = Character.highSurrogate(cp);
                nStart[w] = as;
                nEnd[w++] = ae;
                nChars[w] = Character.lowSurrogate(cp);
                nStart[w] = as;
                nEnd[w++] = ae;
            }
        }
        int tail = length - end;
        System.arraycopy(chars, offset + end, nChars, w, tail);
        System.arraycopy(alignStart, offset + end, nStart, w, tail);
        System.arraycopy(alignEnd, offset + end, nEnd, w, tail);
        chars = nChars;
        alignStart = nStart;
        alignEnd = nEnd;
        offset = 0;
        length = newLength;
    }

    /** {@link #transformRange} over the whole normalized text. */
    public void transform(Changes changes, int initialOffset) {
        transformRange(0, length, changes, initialOffset);
    }

    private int unitLength(int pos, int limit) {
        return Character.isHighSurrogate(chars[pos]) && pos + 1 < limit
                && Character.isLowSurrogate(chars[pos + 1]) ? 2 : 1;
    }

    /** Keeps the code points {@code keep} accepts; the others vanish from the normalized text. */
    public void filter(IntPredicate keep) {
        int end = offset + length;
        boolean all = true;
        for (int i = offset; i < end; ) {
            int cp = Character.codePointAt(chars, i, end);
            if (!keep.test(cp)) {
                all = false;
                break;
            }
            i += Character.charCount(cp);
        }
        if (all) {
            return;
        }
        // Removal never moves an alignment, so this is the Rust filter without the change list.
        char[] nChars = new char[length];
        int[] nStart = new int[length];
        int[] nEnd = new int[length];
        int w = 0;
        for (int i = offset; i < end; ) {
            int cp = Character.codePointAt(chars, i, end);
            int n = Character.charCount(cp);
            if (keep.test(cp)) {
                for (int u = 0; u < n; u++) {
                    nChars[w] = chars[i + u];
                    nStart[w] = alignStart[i + u];
                    nEnd[w++] = alignEnd[i + u];
                }
            }
            i += n;
        }
        chars = nChars;
        alignStart = nStart;
        alignEnd = nEnd;
        offset = 0;
        length = w;
    }

    /** Replaces every code point by {@code map}'s result (one for one). */
    public void map(IntUnaryOperator map) {
        Changes changes = new Changes(length);
        int end = offset + length;
        for (int i = offset; i < end; ) {
            int cp = Character.codePointAt(chars, i, end);
            changes.add(map.applyAsInt(cp), 0);
            i += Character.charCount(cp);
        }
        transform(changes, 0);
    }

    /** Rust's per-character {@code to_lowercase} (no context: final sigma stays σ). */
    public void lowercase() {
        int end = offset + length;
        boolean simple = true;
        for (int i = offset; i < end; i++) {
            char c = chars[i];
            if (c >= 0x80 || (c >= 'A' && c <= 'Z')) {
                simple = false;
                break;
            }
        }
        if (simple) {
            return;
        }
        Changes changes = new Changes(length + 4);
        for (int i = offset; i < end; ) {
            int cp = Character.codePointAt(chars, i, end);
            if (cp == 0x130) {
                changes.add('i', 0);
                changes.add(0x307, 1);
            } else {
                changes.add(Character.toLowerCase(cp), 0);
            }
            i += Character.charCount(cp);
        }
        transform(changes, 0);
    }

    /** Rust's per-character {@code to_uppercase} (full mappings, e.g. ß → SS). */
    public void uppercase() {
        Changes changes = new Changes(length + 4);
        int end = offset + length;
        for (int i = offset; i < end; ) {
            int cp = Character.codePointAt(chars, i, end);
            String up = UnicodeForms.fullUppercase(cp);
            int first = 1;
            for (int k = 0; k < up.length(); ) {
                int u = up.codePointAt(k);
                changes.add(u, first == 1 ? 0 : 1);
                first = 0;
                k += Character.charCount(u);
            }
            i += Character.charCount(cp);
        }
        transform(changes, 0);
    }

    /** Canonical (NFD), compatibility (NFKD) decomposition or composition (NFC, NFKC). */
    public void normalize(UnicodeForms.Form form) {
        Changes changes = UnicodeForms.apply(chars, offset, length, form);
        if (changes != null) {
            transform(changes, 0);
        }
    }

    /** Adds {@code s} before the first character, aligned with it. */
    public void prepend(String s) {
        if (length == 0) {
            return;
        }
        int first = codePointAt(0);
        Changes changes = new Changes(s.length() + 1);
        int k = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            changes.add(cp, k == 0 ? 0 : 1);
            k++;
            i += Character.charCount(cp);
        }
        changes.add(first, 1);
        transformRange(0, Character.charCount(first), changes, 0);
    }

    /** Adds {@code s} after the last character, aligned with it. */
    public void append(String s) {
        Changes changes = new Changes(s.length() + 1);
        int from = 0;
        if (length > 0) {
            from = length - 1;
            if (from > 0 && Character.isLowSurrogate(chars[offset + from])
                    && Character.isHighSurrogate(chars[offset + from - 1])) {
                from--;
            }
            changes.add(codePointAt(from), 0);
        }
        s.codePoints().forEach(cp -> changes.add(cp, 1));
        transformRange(from, length, changes, 0);
    }

    /** Removes leading and/or trailing whitespace, as Rust's {@code lrstrip}. */
    public void strip(boolean left, boolean right) {
        int leading = 0;
        int trailing = 0;
        int end = offset + length;
        int i = offset;
        if (left) {
            while (i < end) {
                int cp = Character.codePointAt(chars, i, end);
                if (!HfUnicode.isWhitespace(cp)) {
                    break;
                }
                leading++;
                i += Character.charCount(cp);
            }
        }
        int j = end;
        if (right) {
            while (j > i) {
                int cp = Character.codePointBefore(chars, j, i);
                if (!HfUnicode.isWhitespace(cp)) {
                    break;
                }
                trailing++;
                j -= Character.charCount(cp);
            }
        }
        if (leading == 0 && trailing == 0) {
            return;
        }
        Changes changes = new Changes(length);
        int kept = 0;
        for (int p = i; p < j; ) {
            int cp = Character.codePointAt(chars, p, j);
            changes.add(cp, 0);
            kept++;
            p += Character.charCount(cp);
        }
        if (kept > 0 && trailing > 0) {
            changes.changes[changes.size - 1] = -trailing;
        }
        transform(changes, leading);
    }

    /**
     * Replaces each matched range by {@code content}, every replacement character aligned with the
     * last character of its match (as the reference's {@code replace}).
     */
    public void replace(Matches matches, String content) {
        int[] cps = content.codePoints().toArray();
        int units = content.length();
        int cap = length;
        for (int k = 0; k < matches.size; k++) {
            if (matches.isMatch[k]) {
                cap += units;
            }
        }
        char[] nChars = new char[cap];
        int[] nStart = new int[cap];
        int[] nEnd = new int[cap];
        int w = 0;
        for (int k = 0; k < matches.size; k++) {
            int st = matches.starts[k];
            int en = matches.ends[k];
            if (!matches.isMatch[k]) {
                System.arraycopy(chars, offset + st, nChars, w, en - st);
                System.arraycopy(alignStart, offset + st, nStart, w, en - st);
                System.arraycopy(alignEnd, offset + st, nEnd, w, en - st);
                w += en - st;
                continue;
            }
            int as = en < 1 ? originalStart : alignStart[offset + en - 1];
            int ae = en < 1 ? originalStart : alignEnd[offset + en - 1];
            for (int cp : cps) {
                int n = Character.toChars(cp, nChars, w);
                for (int u = 0; u < n; u++) {
                    nStart[w] = as;
                    nEnd[w++] = ae;
                }
            }
        }
        set(nChars, nStart, nEnd, w);
    }

    /** When piece k joins the run before it, given whether k and k−1 are matches. */
    private interface JoinRule {
        boolean joins(boolean match, boolean previousMatch);
    }

    /** Pieces in order, each appended to the run before it where {@code rule} says so. */
    private void joinForward(List<NormalizedString> out, Matches matches, JoinRule rule) {
        int s = -1;
        int e = -1;
        boolean previous = false;
        for (int k = 0; k < matches.size; k++) {
            if (s >= 0 && rule.joins(matches.isMatch[k], previous)) {
                e = matches.ends[k];
            } else {
                if (s >= 0) {
                    addSlice(out, s, e);
                }
                s = matches.starts[k];
                e = matches.ends[k];
            }
            previous = matches.isMatch[k];
        }
        if (s >= 0) {
            addSlice(out, s, e);
        }
    }

    /** Replaces the whole content (for normalizers that compute their output in one pass). */
    public void set(char[] newChars, int[] newStarts, int[] newEnds, int newLength) {
        chars = newChars;
        alignStart = newStarts;
        alignEnd = newEnds;
        offset = 0;
        length = newLength;
    }

    /** The split points of the reference's {@code split}: pieces of this string per {@code behavior}. */
    public List<NormalizedString> split(Matches matches, SplitBehavior behavior) {
        int n = matches.size;
        List<NormalizedString> out = new ArrayList<>(n);
        switch (behavior) {
            case REMOVED -> {
                for (int k = 0; k < n; k++) {
                    if (!matches.isMatch[k]) {
                        addSlice(out, matches.starts[k], matches.ends[k]);
                    }
                }
            }
            case ISOLATED -> {
                for (int k = 0; k < n; k++) {
                    addSlice(out, matches.starts[k], matches.ends[k]);
                }
            }
            case CONTIGUOUS -> joinForward(out, matches, (match, previous) -> match == previous);
            case MERGED_WITH_PREVIOUS -> joinForward(out, matches, (match, previous) -> match && !previous);
            case MERGED_WITH_NEXT -> {
                List<int[]> rev = new ArrayList<>();
                boolean previous = false;
                for (int k = n - 1; k >= 0; k--) {
                    if (matches.isMatch[k] && !previous && !rev.isEmpty()) {
                        rev.get(rev.size() - 1)[0] = matches.starts[k];
                    } else {
                        rev.add(new int[] {matches.starts[k], matches.ends[k]});
                    }
                    previous = matches.isMatch[k];
                }
                for (int k = rev.size() - 1; k >= 0; k--) {
                    addSlice(out, rev.get(k)[0], rev.get(k)[1]);
                }
            }
            default -> throw new IllegalStateException(behavior.toString());
        }
        return out;
    }

    private void addSlice(List<NormalizedString> out, int start, int end) {
        out.add(slice(start, end));
    }

    /** How a split treats the matched delimiters (the format's {@code behavior}). */
    public enum SplitBehavior {
        REMOVED, ISOLATED, MERGED_WITH_PREVIOUS, MERGED_WITH_NEXT, CONTIGUOUS;

        /** Parses the format's names ({@code "Removed"}, {@code "MergedWithPrevious"}, ...). */
        public static SplitBehavior parse(String name) {
            return switch (name) {
                case "Removed" -> REMOVED;
                case "Isolated" -> ISOLATED;
                case "MergedWithPrevious" -> MERGED_WITH_PREVIOUS;
                case "MergedWithNext" -> MERGED_WITH_NEXT;
                case "Contiguous" -> CONTIGUOUS;
                default -> throw new IllegalArgumentException("unknown split behavior '" + name + "'");
            };
        }
    }

    /** A partition of a normalized string into matched and unmatched ranges, in order. */
    public static final class Matches {
        int[] starts;
        int[] ends;
        boolean[] isMatch;
        int size;

        public Matches(int capacity) {
            int c = Math.max(4, capacity);
            starts = new int[c];
            ends = new int[c];
            isMatch = new boolean[c];
        }

        public void add(int start, int end, boolean match) {
            if (size == starts.length) {
                int c = size * 2;
                starts = java.util.Arrays.copyOf(starts, c);
                ends = java.util.Arrays.copyOf(ends, c);
                isMatch = java.util.Arrays.copyOf(isMatch, c);
            }
            starts[size] = start;
            ends[size] = end;
            isMatch[size++] = match;
        }

        /** Flips every flag (the reference's {@code Invert} pattern). */
        public void invert() {
            for (int k = 0; k < size; k++) {
                isMatch[k] = !isMatch[k];
            }
        }

        /** Each code point {@code pattern} accepts is a match of its own. */
        public static Matches ofChars(NormalizedString s, IntPredicate pattern) {
            Matches m = new Matches(8);
            int n = s.length();
            if (n == 0) {
                m.add(0, 0, false);
                return m;
            }
            int last = 0;
            for (int i = 0; i < n; ) {
                int cp = s.codePointAt(i);
                int w = Character.charCount(cp);
                if (pattern.test(cp)) {
                    if (last < i) {
                        m.add(last, i, false);
                    }
                    m.add(i, i + w, true);
                    last = i + w;
                }
                i += w;
            }
            if (n > last) {
                m.add(last, n, false);
            }
            return m;
        }

        /** Matches of a regular expression (or an escaped literal) over the normalized text. */
        public static Matches ofRegex(NormalizedString s, java.util.regex.Pattern regex) {
            Matches m = new Matches(8);
            int n = s.length();
            if (n == 0) {
                m.add(0, 0, false);
                return m;
            }
            java.util.regex.Matcher matcher = RegexBudget.matcher(regex, s.chars, s.offset, n);
            int prev = 0;
            while (matcher.find()) {
                int st = matcher.start();
                int en = matcher.end();
                if (prev != st) {
                    m.add(prev, st, false);
                }
                m.add(st, en, true);
                prev = en;
            }
            if (prev != n) {
                m.add(prev, n, false);
            }
            return m;
        }
    }

    /** A growable list of (code point, change) pairs for {@link #transformRange}. */
    public static final class Changes {
        int[] cps;
        int[] changes;
        int size;

        public Changes(int capacity) {
            int c = Math.max(4, capacity);
            cps = new int[c];
            changes = new int[c];
        }

        public void add(int cp, int change) {
            if (size == cps.length) {
                cps = java.util.Arrays.copyOf(cps, size * 2);
                changes = java.util.Arrays.copyOf(changes, size * 2);
            }
            cps[size] = cp;
            changes[size++] = change;
        }

        public int size() {
            return size;
        }

        /** Marks the last {@code count} pairs as insertions (change 1). */
        public void markLastInserted(int count) {
            for (int k = Math.max(0, size - count); k < size; k++) {
                changes[k] = 1;
            }
        }

        /** Adds {@code delta} to the change of the last pair, if there is one. */
        public void shiftLast(int delta) {
            if (size > 0) {
                changes[size - 1] += delta;
            }
        }
    }
}
