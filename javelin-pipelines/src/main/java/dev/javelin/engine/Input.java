package dev.javelin.engine;

import java.util.Objects;

/** One input to a model: a text, a pair of texts (cross-encoders, NLI), or token ids a client tokenized itself. */
public sealed interface Input {

    static Input of(String text) {
        return new Text(text);
    }

    /** A text, or a pair when {@code pair} is not null. */
    static Input of(String text, String pair) {
        return pair == null ? new Text(text) : new Pair(text, pair);
    }

    /** Characters sent (code points; ids count one each), as TEI's {@code x-compute-characters} counts them. */
    int chars();

    /** Nothing to encode. */
    boolean isEmpty();

    record Text(String text) implements Input {
        public Text {
            Objects.requireNonNull(text, "text");
        }

        @Override
        public int chars() {
            return text.codePointCount(0, text.length());
        }

        @Override
        public boolean isEmpty() {
            return text.isEmpty();
        }
    }

    record Pair(String text, String pair) implements Input {
        public Pair {
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(pair, "pair");
        }

        @Override
        public int chars() {
            return text.codePointCount(0, text.length()) + pair.codePointCount(0, pair.length());
        }

        @Override
        public boolean isEmpty() {
            return text.isEmpty() && pair.isEmpty();
        }
    }

    record Ids(int[] ids) implements Input {
        @Override
        public int chars() {
            return ids.length;
        }

        @Override
        public boolean isEmpty() {
            return ids.length == 0;
        }
    }
}
