package dev.javelin.server;

/** One input of a request, as TEI accepts them: a text, a pair of texts, or token ids. */
public sealed interface Input {

    /** Characters the client sent (code points; ids count one each), for {@code x-compute-characters}. */
    int chars();

    /** Nothing to encode. */
    boolean isEmpty();

    record Text(String text) implements Input {
        @Override
        public int chars() {
            return text.codePointCount(0, text.length());
        }

        @Override
        public boolean isEmpty() {
            return text.isEmpty();
        }
    }

    /** A sentence pair (cross-encoders, /predict pairs, /rerank's query and text). */
    record Pair(String text, String pair) implements Input {
        @Override
        public int chars() {
            return text.codePointCount(0, text.length()) + pair.codePointCount(0, pair.length());
        }

        @Override
        public boolean isEmpty() {
            return text.isEmpty() && pair.isEmpty();
        }
    }

    /** Token ids the client tokenized itself. */
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
