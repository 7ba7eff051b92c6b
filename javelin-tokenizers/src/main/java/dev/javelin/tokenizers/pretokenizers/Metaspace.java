package dev.javelin.tokenizers.pretokenizers;

import dev.javelin.tokenizers.NormalizedString;
import dev.javelin.tokenizers.PreTokenizedString;
import java.util.List;

/**
 * {@code Metaspace} (SentencePiece style): every space becomes {@code replacement} (▁), which is
 * also put before the text per {@code prepend_scheme}, and with {@code split} each word starts at
 * a replacement character.
 */
public record Metaspace(int replacement, PrependScheme prependScheme, boolean split) implements PreTokenizer {
    /** When a replacement character is put before a piece of text that does not start with one. */
    public enum PrependScheme {
        /** Before every piece. */
        ALWAYS,
        /** Only before the piece at the very start of the input (not after an added token). */
        FIRST,
        /** Never. */
        NEVER;

        /** Parses the format's names ({@code "always"}, {@code "first"}, {@code "never"}). */
        public static PrependScheme parse(String name) {
            return switch (name) {
                case "always" -> ALWAYS;
                case "first" -> FIRST;
                case "never" -> NEVER;
                default -> throw new IllegalArgumentException("unknown Metaspace prepend_scheme '" + name + "'");
            };
        }
    }

    @Override
    public void preTokenize(PreTokenizedString pts) {
        String rep = Character.toString(replacement);
        pts.split(s -> {
            s.replace(NormalizedString.Matches.ofChars(s, c -> c == ' '), rep);
            // "First" means the piece starts at the input's start: where its first character comes from.
            if (!s.isEmpty() && s.codePointAt(0) != replacement && (prependScheme == PrependScheme.ALWAYS
                    || (prependScheme == PrependScheme.FIRST && s.alignmentStart(0) == 0))) {
                s.prepend(rep);
            }
            return split ? s.split(NormalizedString.Matches.ofChars(s, c -> c == replacement),
                    NormalizedString.SplitBehavior.MERGED_WITH_NEXT) : List.of(s);
        });
    }
}
