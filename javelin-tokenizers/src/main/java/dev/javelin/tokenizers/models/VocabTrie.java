package dev.javelin.tokenizers.models;

import java.util.Arrays;

/**
 * A character trie over a vocabulary. Built through {@link Builder} (a hash table of (node, char) →
 * child, cheap to grow), then laid out compactly: the edges of each node sorted by character in one
 * array, so that a node costs about 14 bytes where the build table costs 24–48. A child is found by a
 * short scan, or a binary search for nodes with many children (the root); nothing is allocated.
 */
final class VocabTrie {
    /** Nodes with at most this many children are scanned rather than searched. */
    private static final int SCAN = 8;
    /** Edges of node n are {@code firstEdge[n]} until {@code firstEdge[n + 1]}. */
    private final int[] firstEdge;
    private final char[] edgeChars;
    private final int[] edgeTargets;
    private final int[] tokenIds;
    private final String[] tokens;

    private VocabTrie(int[] firstEdge, char[] edgeChars, int[] edgeTargets, int[] tokenIds, String[] tokens) {
        this.firstEdge = firstEdge;
        this.edgeChars = edgeChars;
        this.edgeTargets = edgeTargets;
        this.tokenIds = tokenIds;
        this.tokens = tokens;
    }

    /** The node reached from the root by the empty key. */
    static int root() {
        return 0;
    }

    /** The child of {@code node} along {@code c}, or −1. */
    int child(int node, char c) {
        int lo = firstEdge[node];
        int hi = firstEdge[node + 1];
        if (hi - lo <= SCAN) {
            for (int e = lo; e < hi; e++) {
                if (edgeChars[e] == c) {
                    return edgeTargets[e];
                }
            }
            return -1;
        }
        hi--;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            char m = edgeChars[mid];
            if (m < c) {
                lo = mid + 1;
            } else if (m > c) {
                hi = mid - 1;
            } else {
                return edgeTargets[mid];
            }
        }
        return -1;
    }

    /** The id of the token ending at {@code node}, or −1. */
    int tokenId(int node) {
        return tokenIds[node];
    }

    String token(int node) {
        return tokens[node];
    }

    /** Collects keys in an open-addressing table of (node, char) → child, then lays the trie out. */
    static final class Builder {
        private static final long EMPTY = -1L;
        private long[] keys;
        private int[] children;
        private int mask;
        private int size;
        private int nodes = 1;
        private int[] tokenIds = new int[64];
        private String[] tokens = new String[64];

        Builder(int expectedChars) {
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

        VocabTrie build() {
            int[] firstEdge = new int[nodes + 1];
            for (long k : keys) {
                if (k != EMPTY) {
                    firstEdge[(int) (k >>> 16) + 1]++;
                }
            }
            for (int n = 0; n < nodes; n++) {
                firstEdge[n + 1] += firstEdge[n];
            }
            // Each edge as (char, target) in one long, placed in its parent's range, then sorted there.
            long[] edges = new long[size];
            int[] fill = Arrays.copyOf(firstEdge, nodes);
            for (int s = 0; s < keys.length; s++) {
                if (keys[s] != EMPTY) {
                    int parent = (int) (keys[s] >>> 16);
                    edges[fill[parent]++] = ((keys[s] & 0xFFFF) << 32) | children[s];
                }
            }
            keys = null;
            children = null;
            char[] edgeChars = new char[size];
            int[] edgeTargets = new int[size];
            for (int n = 0; n < nodes; n++) {
                Arrays.sort(edges, firstEdge[n], firstEdge[n + 1]);
            }
            for (int e = 0; e < size; e++) {
                edgeChars[e] = (char) (edges[e] >>> 32);
                edgeTargets[e] = (int) edges[e];
            }
            int[] ids = Arrays.copyOf(tokenIds, nodes);
            if (tokenIds.length < nodes) {
                Arrays.fill(ids, tokenIds.length, nodes, -1);
            }
            return new VocabTrie(firstEdge, edgeChars, edgeTargets, ids, Arrays.copyOf(tokens, nodes));
        }

        private int child(int node, char c) {
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
}
