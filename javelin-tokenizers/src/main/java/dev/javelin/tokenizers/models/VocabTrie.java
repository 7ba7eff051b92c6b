package dev.javelin.tokenizers.models;

import java.util.Arrays;

/**
 * A character trie over a vocabulary, stored as one open-addressing hash table of
 * (node, char) → child, so that finding the longest vocabulary entry at a position costs one probe
 * per character and allocates nothing.
 */
final class VocabTrie {
    private static final long EMPTY = -1L;
    private long[] keys;
    private int[] children;
    private int mask;
    private int size;
    private int nodes = 1;
    private int[] tokenIds = new int[64];
    private String[] tokens = new String[64];

    VocabTrie(int expectedChars) {
        int cap = Integer.highestOneBit(Math.max(16, expectedChars * 2)) << 1;
        keys = new long[cap];
        Arrays.fill(keys, EMPTY);
        children = new int[cap];
        mask = cap - 1;
        Arrays.fill(tokenIds, -1);
    }

    /** Adds {@code key[from:]} with its token text and id (the first id added for a key wins). */
    void add(String key, int from, String token, int id) {
        int node = 0;
        for (int i = from; i < key.length(); i++) {
            int child = child(node, key.charAt(i));
            if (child < 0) {
                child = nodes++;
                put(node, key.charAt(i), child);
            }
            node = child;
        }
        if (node >= tokenIds.length) {
            int c = Math.max(node + 1, tokenIds.length * 2);
            int old = tokenIds.length;
            tokenIds = Arrays.copyOf(tokenIds, c);
            Arrays.fill(tokenIds, old, c, -1);
            tokens = Arrays.copyOf(tokens, c);
        }
        if (tokenIds[node] < 0 && node != 0) {
            tokenIds[node] = id;
            tokens[node] = token;
        }
    }

    /** The node reached from the root by the empty key. */
    static int root() {
        return 0;
    }

    int child(int node, char c) {
        long key = ((long) node << 16) | c;
        int h = hash(key) & mask;
        while (true) {
            long k = keys[h];
            if (k == key) {
                return children[h];
            }
            if (k == EMPTY) {
                return -1;
            }
            h = (h + 1) & mask;
        }
    }

    int tokenId(int node) {
        return node < tokenIds.length ? tokenIds[node] : -1;
    }

    String token(int node) {
        return tokens[node];
    }

    private void put(int node, char c, int child) {
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        long key = ((long) node << 16) | c;
        int h = hash(key) & mask;
        while (keys[h] != EMPTY) {
            h = (h + 1) & mask;
        }
        keys[h] = key;
        children[h] = child;
        size++;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldChildren = children;
        keys = new long[oldKeys.length * 2];
        Arrays.fill(keys, EMPTY);
        children = new int[oldKeys.length * 2];
        mask = keys.length - 1;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                int h = hash(oldKeys[i]) & mask;
                while (keys[h] != EMPTY) {
                    h = (h + 1) & mask;
                }
                keys[h] = oldKeys[i];
                children[h] = oldChildren[i];
            }
        }
    }

    private static int hash(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29));
    }
}
