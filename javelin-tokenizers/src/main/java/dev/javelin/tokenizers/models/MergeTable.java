package dev.javelin.tokenizers.models;

import java.util.Arrays;

/**
 * The merges of a BPE model: (left id, right id) → rank and merged id, in two primitive arrays with
 * open addressing (load at most one half), rather than a map with two boxed longs per merge.
 */
final class MergeTable {
    private static final long EMPTY = -1L;
    private final long[] keys;
    private final long[] values;
    private final int mask;

    MergeTable(int merges) {
        int capacity = Integer.highestOneBit(Math.max(4, merges) * 2 - 1) << 1;
        keys = new long[capacity];
        Arrays.fill(keys, EMPTY);
        values = new long[capacity];
        mask = capacity - 1;
    }

    /** Records the merge of {@code left} and {@code right} (ids ≥ 0); a pair given twice keeps the later one. */
    void put(int left, int right, int rank, int merged) {
        long key = key(left, right);
        int h = slot(key);
        while (keys[h] != EMPTY && keys[h] != key) {
            h = (h + 1) & mask;
        }
        keys[h] = key;
        values[h] = ((long) rank << 32) | (merged & 0xFFFFFFFFL);
    }

    /** Rank in the high 32 bits, merged id in the low ones; −1 when the pair has no merge. */
    long get(int left, int right) {
        long key = key(left, right);
        for (int h = slot(key); ; h = (h + 1) & mask) {
            long k = keys[h];
            if (k == key) {
                return values[h];
            }
            if (k == EMPTY) {
                return -1;
            }
        }
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }
}
