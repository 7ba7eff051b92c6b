package dev.javelin.tokenizers.normalizers;

import dev.javelin.tokenizers.NormalizedString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.BreakIterator;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code Precompiled}: SentencePiece's compiled normalization rules ({@code precompiled_charsmap}), a
 * Darts double-array trie over UTF-8 keys whose values point into a blob of NUL-terminated
 * replacement strings. As the reference does, each extended grapheme cluster shorter than 6 UTF-8
 * bytes is looked up whole first, and the replacement of the <em>shortest</em> key that prefixes it
 * replaces the whole cluster; otherwise each of its characters is looked up alone. Replacements keep
 * exact alignments: a longer replacement's extra characters are insertions, a shorter one's missing
 * characters removals, as the reference's {@code transform} computes them.
 */
public final class Precompiled implements Normalizer {
    /** Cached lookups of single BMP characters: {@code NONE} where the trie has no key for it. */
    private static final String NONE = new String("none");

    private final int[] trie;
    private final byte[] replacements;
    private final String[] bmp = new String[0x10000];
    private final ConcurrentHashMap<Integer, String> decoded = new ConcurrentHashMap<>();

    /** Parses the base64 {@code precompiled_charsmap}; a malformed one is an error naming what is wrong. */
    public Precompiled(String base64) {
        byte[] map;
        try {
            map = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Precompiled normalizer: precompiled_charsmap is not base64: "
                    + e.getMessage(), e);
        }
        if (map.length < 4) {
            throw new IllegalArgumentException("Precompiled normalizer: precompiled_charsmap is " + map.length
                    + " bytes, too short for its trie size");
        }
        ByteBuffer in = ByteBuffer.wrap(map).order(ByteOrder.LITTLE_ENDIAN);
        long trieBytes = Integer.toUnsignedLong(in.getInt());
        if (trieBytes / 4 * 4 > map.length - 4L) {
            throw new IllegalArgumentException("Precompiled normalizer: the trie is said to be " + trieBytes
                    + " bytes but precompiled_charsmap has only " + (map.length - 4));
        }
        trie = new int[(int) (trieBytes / 4)];
        in.asIntBuffer().get(trie);
        int blob = 4 + trie.length * 4;
        replacements = java.util.Arrays.copyOfRange(map, blob, map.length);
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(replacements));
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("Precompiled normalizer: the replacement strings are not UTF-8", e);
        }
        if (trie.length == 0) {
            throw new IllegalArgumentException("Precompiled normalizer: precompiled_charsmap has an empty trie");
        }
        byte[] utf8 = new byte[4];
        for (int c = 0; c < 0x10000; c++) {
            if (Character.isSurrogate((char) c)) {
                continue;
            }
            int n = encode(c, utf8, 0);
            String r = lookup(utf8, n);
            bmp[c] = r == null ? NONE : r;
        }
    }

    @Override
    public void normalize(NormalizedString s) {
        int n = s.length();
        char[] buf = s.buffer();
        int base = s.bufferOffset();
        boolean simple = true;
        for (int i = 0; i < n; i++) {
            char c = buf[base + i];
            if (c >= 0x300 || c == '\r') {
                simple = false;
                break;
            }
        }
        NormalizedString.Changes changes = new NormalizedString.Changes(n);
        boolean modified = false;
        if (simple) {
            // Below U+0300 and without CR every character is a cluster of its own.
            for (int i = 0; i < n; i++) {
                modified |= character(buf[base + i], changes);
            }
        } else {
            String text = new String(buf, base, n);
            BreakIterator clusters = BreakIterator.getCharacterInstance(Locale.ROOT);
            clusters.setText(text);
            byte[] utf8 = new byte[8];
            for (int start = clusters.first(), end = clusters.next(); end != BreakIterator.DONE;
                 start = end, end = clusters.next()) {
                modified |= cluster(text, start, end, utf8, changes);
            }
        }
        if (modified) {
            s.transform(changes, 0);
        }
    }

    /** One cluster: whole when shorter than 6 UTF-8 bytes and the trie has a key prefixing it, else per character. */
    private boolean cluster(String text, int start, int end, byte[] utf8, NormalizedString.Changes changes) {
        int first = text.codePointAt(start);
        if (start + Character.charCount(first) == end) {
            return character(first, changes);
        }
        int bytes = 0;
        for (int i = start; i < end && bytes < 6; ) {
            int c = text.codePointAt(i);
            bytes += utf8Length(c);
            i += Character.charCount(c);
        }
        if (bytes < 6) {
            int len = 0;
            for (int i = start; i < end; ) {
                int c = text.codePointAt(i);
                len += encode(c, utf8, len);
                i += Character.charCount(c);
            }
            String r = lookup(utf8, len);
            if (r != null) {
                replace(changes, text.codePointCount(start, end), r);
                return true;
            }
        }
        boolean modified = false;
        for (int i = start; i < end; ) {
            int c = text.codePointAt(i);
            modified |= character(c, changes);
            i += Character.charCount(c);
        }
        return modified;
    }

    private boolean character(int c, NormalizedString.Changes changes) {
        String r;
        if (c < 0x10000) {
            r = bmp[c];
            if (r == null) {
                // A lone surrogate: the reference never sees one (its input is UTF-8).
                r = NONE;
            }
        } else {
            byte[] utf8 = new byte[4];
            r = lookup(utf8, encode(c, utf8, 0));
            if (r == null) {
                r = NONE;
            }
        }
        if (r == NONE) {
            changes.add(c, 0);
            return false;
        }
        replace(changes, 1, r);
        return true;
    }

    /** The reference's bookkeeping for replacing {@code oldCount} characters by {@code replacement}. */
    private static void replace(NormalizedString.Changes changes, int oldCount, String replacement) {
        int newCount = 0;
        for (int i = 0; i < replacement.length(); ) {
            int c = replacement.codePointAt(i);
            changes.add(c, 0);
            newCount++;
            i += Character.charCount(c);
        }
        int diff = newCount - oldCount;
        if (diff > 0) {
            changes.markLastInserted(diff);
        } else if (diff < 0) {
            changes.shiftLast(diff);
        }
    }

    /** The replacement of the shortest key prefixing {@code key[0, length)}, or null (a NUL byte ends the key). */
    private String lookup(byte[] key, int length) {
        long pos = 0;
        long unit = unit(0);
        pos ^= offset(unit);
        for (int i = 0; i < length; i++) {
            int c = key[i] & 0xFF;
            if (c == 0) {
                return null;
            }
            pos ^= c;
            unit = unit(pos);
            if ((unit & 0x800000FFL) != c) {
                return null;
            }
            pos ^= offset(unit);
            if (((unit >>> 8) & 1) == 1) {
                return replacementAt((int) (unit(pos) & 0x7FFFFFFFL));
            }
        }
        return null;
    }

    private long unit(long pos) {
        if (pos < 0 || pos >= trie.length) {
            throw new IllegalArgumentException("Precompiled normalizer: the precompiled_charsmap trie points to unit "
                    + pos + " of " + trie.length);
        }
        return Integer.toUnsignedLong(trie[(int) pos]);
    }

    private static long offset(long unit) {
        return (unit >>> 10) << ((unit & (1L << 9)) >>> 6);
    }

    private String replacementAt(int index) {
        return decoded.computeIfAbsent(index, i -> {
            if (i > replacements.length) {
                throw new IllegalArgumentException("Precompiled normalizer: a replacement starts at byte " + i
                        + " past the end of the " + replacements.length + "-byte blob");
            }
            int end = i;
            while (end < replacements.length && replacements[end] != 0) {
                end++;
            }
            return new String(replacements, i, end - i, StandardCharsets.UTF_8);
        });
    }

    private static int utf8Length(int c) {
        return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    }

    private static int encode(int c, byte[] out, int at) {
        if (c < 0x80) {
            out[at] = (byte) c;
            return 1;
        }
        if (c < 0x800) {
            out[at] = (byte) (0xC0 | (c >> 6));
            out[at + 1] = (byte) (0x80 | (c & 0x3F));
            return 2;
        }
        if (c < 0x10000) {
            out[at] = (byte) (0xE0 | (c >> 12));
            out[at + 1] = (byte) (0x80 | ((c >> 6) & 0x3F));
            out[at + 2] = (byte) (0x80 | (c & 0x3F));
            return 3;
        }
        out[at] = (byte) (0xF0 | (c >> 18));
        out[at + 1] = (byte) (0x80 | ((c >> 12) & 0x3F));
        out[at + 2] = (byte) (0x80 | ((c >> 6) & 0x3F));
        out[at + 3] = (byte) (0x80 | (c & 0x3F));
        return 4;
    }
}
