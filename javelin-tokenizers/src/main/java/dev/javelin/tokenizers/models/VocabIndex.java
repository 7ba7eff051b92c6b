package dev.javelin.tokenizers.models;

import java.util.Map;

/**
 * Token → id of a vocabulary, kept without an object per entry: the tokens and their ids in two arrays,
 * found through an open-addressing table of entry numbers (load at most one half). A vocabulary of
 * 30,000 tokens costs its strings plus about 0.4 MB, where a {@code HashMap<String, Integer>} adds about
 * 1.7 MB of nodes and boxed ids.
 */
final class VocabIndex {
    private final String[] tokens;
    /** Id of each entry; null when an entry's id is its position. */
    private final int[] ids;
    /** Entry number + 1 per slot, 0 when empty. */
    private final int[] slots;
    private final int mask;
    private int size;

    /** An index of {@code tokens} whose ids are their positions; a repeated token keeps its last position. */
    static VocabIndex ofList(String[] tokens) {
        return new VocabIndex(tokens, null);
    }

    static VocabIndex of(Map<String, Integer> vocab) {
        String[] tokens = new String[vocab.size()];
        int[] ids = new int[vocab.size()];
        int i = 0;
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            tokens[i] = e.getKey();
            ids[i++] = e.getValue();
        }
        return new VocabIndex(tokens, ids);
    }

    private VocabIndex(String[] tokens, int[] ids) {
        this.tokens = tokens;
        this.ids = ids;
        int capacity = Integer.highestOneBit(Math.max(4, tokens.length) * 2 - 1) << 1;
        slots = new int[capacity];
        mask = capacity - 1;
        for (int entry = 0; entry < tokens.length; entry++) {
            int h = spread(tokens[entry].hashCode()) & mask;
            while (slots[h] != 0 && !tokens[slots[h] - 1].equals(tokens[entry])) {
                h = (h + 1) & mask;
            }
            size += slots[h] == 0 ? 1 : 0;
            slots[h] = entry + 1;
        }
    }

    /** The id of {@code token}, or −1. */
    int get(String token) {
        int h = spread(token.hashCode()) & mask;
        for (int s; (s = slots[h]) != 0; h = (h + 1) & mask) {
            if (tokens[s - 1].equals(token)) {
                return ids == null ? s - 1 : ids[s - 1];
            }
        }
        return -1;
    }

    /** The number of distinct tokens. */
    int size() {
        return size;
    }

    /** Calls {@code action} with each distinct token and its id. */
    void forEach(java.util.function.ObjIntConsumer<String> action) {
        for (int s : slots) {
            if (s != 0) {
                action.accept(tokens[s - 1], ids == null ? s - 1 : ids[s - 1]);
            }
        }
    }

    private static int spread(int h) {
        return (h ^ (h >>> 16)) * 0x9E3779B1;
    }
}
