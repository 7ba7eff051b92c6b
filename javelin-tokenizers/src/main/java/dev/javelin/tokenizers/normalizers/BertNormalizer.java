package dev.javelin.tokenizers.normalizers;

import dev.javelin.tokenizers.HfUnicode;
import dev.javelin.tokenizers.NormalizedString;
import dev.javelin.tokenizers.UnicodeForms;
import java.util.Arrays;

/**
 * {@code BertNormalizer}: removes control characters and maps whitespace to spaces
 * ({@code clean_text}), puts spaces around CJK ideographs ({@code handle_chinese_chars}), strips
 * accents (NFD, then drop non-spacing marks; defaults to {@code lowercase}) and lowercases.
 *
 * <p>The steps run fused in one pass whenever that provably gives the reference's result: when no
 * surviving character could be moved by canonical reordering. Otherwise the steps run one by one.
 */
public record BertNormalizer(boolean cleanText, boolean handleChineseChars, boolean stripAccents,
                             boolean lowercase) implements Normalizer {

    @Override
    public void normalize(NormalizedString s) {
        if (!fused(s)) {
            stepByStep(s);
        }
    }

    static boolean isChineseChar(int c) {
        return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF)
                || (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F)
                || (c >= 0x2B920 && c <= 0x2CEAF) || (c >= 0xF900 && c <= 0xFAFF)
                || (c >= 0x2F800 && c <= 0x2FA1F);
    }

    private boolean removedByCleaning(int c) {
        return c == 0 || c == 0xFFFD || HfUnicode.isBertControl(c);
    }

    private void stepByStep(NormalizedString s) {
        if (cleanText) {
            s.filter(c -> !removedByCleaning(c));
            s.map(c -> HfUnicode.isWhitespace(c) ? ' ' : c);
        }
        if (handleChineseChars) {
            NormalizedString.Changes changes = new NormalizedString.Changes(s.length() + 8);
            boolean any = false;
            for (int i = 0; i < s.length(); ) {
                int c = s.codePointAt(i);
                if (isChineseChar(c)) {
                    changes.add(' ', 0);
                    changes.add(c, 1);
                    changes.add(' ', 1);
                    any = true;
                } else {
                    changes.add(c, 0);
                }
                i += Character.charCount(c);
            }
            if (any) {
                s.transform(changes, 0);
            }
        }
        if (stripAccents) {
            s.normalize(UnicodeForms.Form.NFD);
            s.filter(c -> !HfUnicode.isNonspacingMark(c));
        }
        if (lowercase) {
            s.lowercase();
        }
    }

    /** One pass producing the same text and alignments as {@link #stepByStep}; false if it cannot. */
    private boolean fused(NormalizedString s) {
        int n = s.length();
        Out out = new Out(n + (n >> 2) + 8);
        for (int i = 0; i < n; ) {
            int c = s.codePointAt(i);
            int as = s.alignmentStart(i);
            int ae = s.alignmentEnd(i);
            i += Character.charCount(c);
            if (cleanText) {
                if (removedByCleaning(c)) {
                    continue;
                }
                if (HfUnicode.isWhitespace(c)) {
                    c = ' ';
                }
            }
            if (handleChineseChars && isChineseChar(c)) {
                out.add(' ', as, ae);
                if (!emit(out, c, as, ae)) {
                    return false;
                }
                out.add(' ', as, ae);
            } else if (!emit(out, c, as, ae)) {
                return false;
            }
        }
        s.set(out.chars, out.starts, out.ends, out.size);
        return true;
    }

    /** Strip accents and lowercase one character, all outputs aligned with it. */
    private boolean emit(Out out, int c, int as, int ae) {
        if (c < 0x80) {
            out.add(lowercase && c >= 'A' && c <= 'Z' ? c + 32 : c, as, ae);
            return true;
        }
        if (!stripAccents) {
            lower(out, c, as, ae);
            return true;
        }
        int[] d = UnicodeForms.canonicalDecomposition(c);
        if (d.length == 0) {
            return keepUnlessMark(out, c, as, ae);
        }
        for (int k : d) {
            if (!keepUnlessMark(out, k, as, ae)) {
                return false;
            }
        }
        return true;
    }

    private boolean keepUnlessMark(Out out, int c, int as, int ae) {
        if (HfUnicode.isNonspacingMark(c)) {
            return true;
        }
        if (UnicodeForms.isNonStarter(c)) {
            return false; // survives the filter and may be reordered: take the step-by-step path
        }
        lower(out, c, as, ae);
        return true;
    }

    private void lower(Out out, int c, int as, int ae) {
        if (!lowercase) {
            out.add(c, as, ae);
        } else if (c == 0x130) {
            out.add('i', as, ae);
            out.add(0x307, as, ae);
        } else {
            out.add(Character.toLowerCase(c), as, ae);
        }
    }

    /** Output buffer of the fused pass. */
    private static final class Out {
        char[] chars;
        int[] starts;
        int[] ends;
        int size;

        Out(int capacity) {
            chars = new char[capacity];
            starts = new int[capacity];
            ends = new int[capacity];
        }

        void add(int cp, int as, int ae) {
            if (size + 2 > chars.length) {
                int c = chars.length * 2 + 2;
                chars = Arrays.copyOf(chars, c);
                starts = Arrays.copyOf(starts, c);
                ends = Arrays.copyOf(ends, c);
            }
            if (cp < 0x10000) {
                chars[size] = (char) cp;
                starts[size] = as;
                ends[size++] = ae;
            } else {
                chars[size] = Character.highSurrogate(cp);
                starts[size] = as;
                ends[size++] = ae;
                chars[size] = Character.lowSurrogate(cp);
                starts[size] = as;
                ends[size++] = ae;
            }
        }
    }
}
