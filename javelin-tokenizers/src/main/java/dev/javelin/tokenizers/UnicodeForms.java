package dev.javelin.tokenizers;

import java.text.Normalizer;
import dev.javelin.tokenizers.NormalizedString.Changes;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Unicode normalization forms with alignment tracking, following the iterators of
 * {@code unicode-normalization-alignments} (the crate the reference uses): every output character
 * carries a change (0: replaces the next input character, 1: inserted after it, negative: also
 * swallows following input characters). Character data comes from the JDK, restricted to Unicode 9
 * where the reference's tables are older (see {@link HfUnicode}).
 */
public final class UnicodeForms {
    private UnicodeForms() {
    }

    /** The four forms. */
    public enum Form {
        NFD(false, false), NFKD(true, false), NFC(false, true), NFKC(true, true);

        final boolean compatibility;
        final boolean compose;

        Form(boolean compatibility, boolean compose) {
            this.compatibility = compatibility;
            this.compose = compose;
        }
    }

    private static final int[] NONE = new int[0];
    private static final ConcurrentHashMap<Integer, int[]> CANONICAL = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<Integer, int[]> COMPATIBLE = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<Integer, Boolean> NON_STARTER = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<Long, Integer> COMPOSITE = new ConcurrentHashMap<>();

    /**
     * The changes that turn {@code chars[offset, offset+length)} into {@code form}, or null when
     * the text is already in that form by construction (all characters below U+00A0 or U+0300).
     */
    static Changes apply(char[] chars, int offset, int length, Form form) {
        int limit = form.compose || form.compatibility ? 0xA0 : 0xC0;
        int end = offset + length;
        boolean trivial = true;
        for (int i = offset; i < end; i++) {
            if (chars[i] >= limit) {
                trivial = false;
                break;
            }
        }
        if (trivial) {
            return null;
        }
        Changes decomposed = decompose(chars, offset, end, form.compatibility);
        return form.compose ? recompose(decomposed) : decomposed;
    }

    private static Changes decompose(char[] chars, int from, int end, boolean compatibility) {
        Changes out = new Changes(end - from + 8);
        for (int i = from; i < end; ) {
            int cp = Character.codePointAt(chars, i, end);
            i += Character.charCount(cp);
            int[] d = decomposition(cp, compatibility);
            if (d.length == 0) {
                out.add(cp, 0);
            } else {
                for (int k = 0; k < d.length; k++) {
                    out.add(d[k], k == 0 ? 0 : 1);
                }
            }
        }
        reorder(out);
        return out;
    }

    /** Canonical ordering: a stable sort by combining class of every run of non-starters. */
    private static void reorder(Changes out) {
        int n = out.size;
        int i = 0;
        while (i < n) {
            if (!isNonStarter(out.cps[i])) {
                i++;
                continue;
            }
            int j = i + 1;
            while (j < n && isNonStarter(out.cps[j])) {
                j++;
            }
            if (j - i > 1) {
                sortRun(out, i, j);
            }
            i = j;
        }
    }

    /** Insertion sort by combining class; stable, as the canonical ordering requires. */
    private static void sortRun(Changes out, int from, int to) {
        for (int a = from + 1; a < to; a++) {
            int cp = out.cps[a];
            int ch = out.changes[a];
            int b = a - 1;
            while (b >= from && cccLess(cp, out.cps[b])) {
                out.cps[b + 1] = out.cps[b];
                out.changes[b + 1] = out.changes[b];
                b--;
            }
            out.cps[b + 1] = cp;
            out.changes[b + 1] = ch;
        }
    }

    /** ccc(a) &lt; ccc(b) for two non-starters: the JDK's NFD puts {@code a} first in "b a". */
    private static boolean cccLess(int a, int b) {
        if (a == b) {
            return false;
        }
        String ba = new StringBuilder(4).appendCodePoint(b).appendCodePoint(a).toString();
        return Normalizer.normalize(ba, Normalizer.Form.NFD).codePointAt(0) == a;
    }

    /** ccc(a) &gt;= ccc(b) (b a non-starter; a may be a starter). */
    private static boolean cccAtLeast(int a, int b) {
        return !cccLess(a, b) && (isNonStarter(a) || !isNonStarter(b));
    }

    private static int[] decomposition(int cp, boolean compatibility) {
        if (cp < 0xA0 || (!compatibility && cp < 0xC0)) {
            return NONE;
        }
        if (compatibility ? !HfUnicode.decomposesCompatibly(cp) : !HfUnicode.decomposesCanonically(cp)) {
            return NONE;
        }
        ConcurrentHashMap<Integer, int[]> cache = compatibility ? COMPATIBLE : CANONICAL;
        return cache.computeIfAbsent(cp, c -> {
            String s = Character.toString(c);
            String d = Normalizer.normalize(s, compatibility ? Normalizer.Form.NFKD : Normalizer.Form.NFD);
            return d.equals(s) ? NONE : d.codePoints().toArray();
        });
    }

    /** Full canonical decomposition under Unicode 9 (empty if {@code cp} does not decompose). */
    public static int[] canonicalDecomposition(int cp) {
        return decomposition(cp, false);
    }

    /** Canonical combining class &gt; 0 (Unicode 9), for a character that does not decompose. */
    public static boolean isNonStarter(int cp) {
        if (cp < 0x300) {
            return false;
        }
        return NON_STARTER.computeIfAbsent(cp, c -> {
            if (!HfUnicode.isNonStarterCandidate(c) || !HfUnicode.decomposesCanonically(c)) {
                return false;
            }
            if (c == 0x345) {
                return true; // the only class-240 character: nothing sorts after it
            }
            String probe = "\u0345" + Character.toString(c);
            return !Normalizer.normalize(probe, Normalizer.Form.NFD).equals(probe);
        });
    }

    /** The primary composite of {@code a b} under Unicode 9, or -1. */
    private static int compose(int a, int b) {
        long key = ((long) a << 32) | b;
        return COMPOSITE.computeIfAbsent(key, k -> {
            String pair = new StringBuilder(4).appendCodePoint(a).appendCodePoint(b).toString();
            String c = Normalizer.normalize(pair, Normalizer.Form.NFC);
            if (c.codePointCount(0, c.length()) != 1) {
                return -1;
            }
            int r = c.codePointAt(0);
            return HfUnicode.decomposesCanonically(r) ? r : -1;
        });
    }

    /** The reference's recomposition state machine over decomposed (code point, change) pairs. */
    private static Changes recompose(Changes in) {
        Changes out = new Changes(in.size);
        Changes buffer = new Changes(4);
        boolean hasComposee = false;
        int composee = 0;
        int composeeChange = 0;
        boolean hasLast = false;
        int last = 0;
        for (int k = 0; k < in.size; k++) {
            int ch = in.cps[k];
            int change = in.changes[k];
            boolean starter = !isNonStarter(ch);
            if (!hasComposee) {
                if (!starter) {
                    out.add(ch, change);
                    continue;
                }
                hasComposee = true;
                composee = ch;
                composeeChange = change;
                continue;
            }
            if (!hasLast) {
                int r = compose(composee, ch);
                if (r >= 0) {
                    composee = r;
                    composeeChange = composeeChange + change - 1;
                    continue;
                }
                if (starter) {
                    out.add(composee, composeeChange);
                    composee = ch;
                    composeeChange = change;
                    continue;
                }
                buffer.add(ch, change);
                hasLast = true;
                last = ch;
                continue;
            }
            if (cccAtLeast(last, ch)) {
                if (starter) {
                    out.add(composee, composeeChange);
                    for (int b = 0; b < buffer.size; b++) {
                        out.add(buffer.cps[b], buffer.changes[b]);
                    }
                    buffer.size = 0;
                    composee = ch;
                    composeeChange = change;
                    hasLast = false;
                    continue;
                }
                buffer.add(ch, change);
                last = ch;
                continue;
            }
            int r = compose(composee, ch);
            if (r >= 0) {
                composee = r;
                composeeChange = composeeChange + change - 1;
                continue;
            }
            buffer.add(ch, change);
            last = ch;
        }
        if (hasComposee) {
            out.add(composee, composeeChange);
        }
        for (int b = 0; b < buffer.size; b++) {
            out.add(buffer.cps[b], buffer.changes[b]);
        }
        return out;
    }

    /** Full uppercase mapping of one code point (Rust's {@code char::to_uppercase}). */
    static String fullUppercase(int cp) {
        return Character.toString(cp).toUpperCase(java.util.Locale.ROOT);
    }
}
