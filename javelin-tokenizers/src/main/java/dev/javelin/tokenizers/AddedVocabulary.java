package dev.javelin.tokenizers;

import dev.javelin.tokenizers.normalizers.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The added tokens of a tokenizer, found in the input before normalization (non-normalized tokens,
 * matched on the raw text) and after it (normalized tokens, matched on each normalized piece), with
 * leftmost-longest matching and the single-word / lstrip / rstrip rules of the reference.
 */
final class AddedVocabulary {
    private final Map<String, AddedToken> byContent = new HashMap<>();
    private final Map<Integer, AddedToken> byId = new HashMap<>();
    private final Set<String> specialContents = new HashSet<>();
    private final Matcher raw = new Matcher();
    private final Matcher normalizedMatcher = new Matcher();
    private boolean spansWhitespace;

    AddedVocabulary(List<AddedToken> tokens, Normalizer normalizer) {
        // Special tokens come first in the reference's matchers; among equal matches the first wins.
        List<AddedToken> ordered = new ArrayList<>();
        for (AddedToken t : tokens) {
            if (t.special()) {
                ordered.add(t);
            }
        }
        for (AddedToken t : tokens) {
            if (!t.special()) {
                ordered.add(t);
            }
        }
        for (AddedToken t : ordered) {
            if (t.content().isEmpty()) {
                continue;
            }
            byContent.put(t.content(), t);
            byId.put(t.id(), t);
            if (t.special()) {
                specialContents.add(t.content());
            }
            if (t.normalized()) {
                String pattern = t.content();
                if (normalizer != null) {
                    NormalizedString n = NormalizedString.of(pattern);
                    normalizer.normalize(n);
                    pattern = n.normalized();
                }
                normalizedMatcher.add(pattern, t);
                spansWhitespace |= hasWhitespace(pattern);
            } else {
                raw.add(t.content(), t);
            }
            spansWhitespace |= hasWhitespace(t.content());
        }
    }

    /** Whether some token's text (as matched, raw or normalized) holds white space, so a match may span it. */
    boolean spansWhitespace() {
        return spansWhitespace;
    }

    boolean isEmpty() {
        return byContent.isEmpty();
    }

    AddedToken byContent(String content) {
        return byContent.get(content);
    }

    AddedToken byId(int id) {
        return byId.get(id);
    }

    boolean isSpecial(String content) {
        return specialContents.contains(content);
    }

    /** Splits out added tokens, normalizing what lies between them. */
    PreTokenizedString extractAndNormalize(Normalizer normalizer, String text) {
        PreTokenizedString pts = new PreTokenizedString(NormalizedString.of(text));
        if (!raw.isEmpty()) {
            pts.splitWithTokens(s -> splitWithIndices(s, raw));
        }
        pts.splitWithTokens(s -> {
            if (normalizer != null) {
                normalizer.normalize(s);
            }
            return normalizedMatcher.isEmpty() ? List.of(new PreTokenizedString.Piece(s, null))
                    : splitWithIndices(s, normalizedMatcher);
        });
        return pts;
    }

    private List<PreTokenizedString.Piece> splitWithIndices(NormalizedString s, Matcher matcher) {
        List<PreTokenizedString.Piece> out = new ArrayList<>();
        int n = s.length();
        char[] buf = s.buffer();
        int base = s.bufferOffset();
        int startOffset = 0;
        int i = 0;
        while (i < n) {
            long m = matcher.longestAt(buf, base, i, n);
            if (m < 0) {
                i++;
                continue;
            }
            AddedToken token = matcher.tokenOf((int) (m >>> 32));
            int start = i;
            int stop = (int) m;
            if (token.singleWord()) {
                boolean startSpace = start == 0 || !isWordChar(Character.codePointBefore(buf, base + start, base));
                boolean stopSpace = stop == n || !isWordChar(Character.codePointAt(buf, base + stop, base + n));
                if (!startSpace || !stopSpace) {
                    i = stop; // the reference's match iterator has consumed this match anyway
                    continue;
                }
            }
            if (token.lstrip()) {
                int newStart = start;
                while (newStart > 0) {
                    int cp = Character.codePointBefore(buf, base + newStart, base);
                    if (!HfUnicode.isWhitespace(cp)) {
                        break;
                    }
                    newStart -= Character.charCount(cp);
                }
                start = Math.max(newStart, startOffset);
            }
            if (token.rstrip()) {
                while (stop < n) {
                    int cp = Character.codePointAt(buf, base + stop, base + n);
                    if (!HfUnicode.isWhitespace(cp)) {
                        break;
                    }
                    stop += Character.charCount(cp);
                }
            }
            if (startOffset < start) {
                out.add(new PreTokenizedString.Piece(s.slice(startOffset, start), null));
            }
            NormalizedString piece = s.slice(start, stop);
            out.add(new PreTokenizedString.Piece(piece,
                    List.of(new Token(token.id(), piece.normalized(), 0, piece.length()))));
            startOffset = stop;
            // The reference iterates the matcher's non-overlapping matches: resume after the raw match.
            i = (int) m;
        }
        if (startOffset != n) {
            out.add(new PreTokenizedString.Piece(startOffset == 0 ? s : s.slice(startOffset, n), null));
        }
        return out;
    }

    /** Rust regex {@code \w} (Unicode): alphabetic, marks, decimal digits, connector punctuation, joiners. */
    private static boolean hasWhitespace(String s) {
        return s.codePoints().anyMatch(HfUnicode::isWhitespace);
    }

    private static boolean isWordChar(int cp) {
        if (Character.isAlphabetic(cp) || cp == 0x200C || cp == 0x200D) {
            return true;
        }
        int t = Character.getType(cp);
        return t == Character.NON_SPACING_MARK || t == Character.COMBINING_SPACING_MARK
                || t == Character.ENCLOSING_MARK || t == Character.DECIMAL_DIGIT_NUMBER
                || t == Character.CONNECTOR_PUNCTUATION;
    }

    /** Leftmost-longest matching of a few patterns with a character trie. */
    private static final class Matcher {
        private final Node root = new Node();
        private final List<AddedToken> tokens = new ArrayList<>();

        private static final class Node {
            final Map<Character, Node> next = new HashMap<>(4);
            int token = -1;
        }

        void add(String pattern, AddedToken token) {
            if (pattern.isEmpty()) {
                return;
            }
            Node n = root;
            for (int i = 0; i < pattern.length(); i++) {
                n = n.next.computeIfAbsent(pattern.charAt(i), c -> new Node());
            }
            if (n.token < 0) {
                n.token = tokens.size();
                tokens.add(token);
            }
        }

        boolean isEmpty() {
            return tokens.isEmpty();
        }

        AddedToken tokenOf(int index) {
            return tokens.get(index);
        }

        /** The longest pattern starting at {@code i}: (token index << 32 | end), or -1. */
        long longestAt(char[] buf, int base, int i, int n) {
            Node node = root;
            long best = -1;
            for (int j = i; j < n; j++) {
                node = node.next.get(buf[base + j]);
                if (node == null) {
                    break;
                }
                if (node.token >= 0) {
                    best = ((long) node.token << 32) | (j + 1);
                }
            }
            return best;
        }
    }
}
