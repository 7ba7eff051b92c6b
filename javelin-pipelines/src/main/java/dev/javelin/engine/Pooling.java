package dev.javelin.engine;

import dev.javelin.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/** How sentence-transformers turns per-token vectors into one sentence vector. */
public enum Pooling {
    /** The first token ([CLS]) — bge. */
    CLS,
    /** Average over the sequence's tokens — all-MiniLM, e5, most sentence-transformers. */
    MEAN,
    /** Element-wise maximum over tokens. */
    MAX,
    /** The last token — decoder-style embedders. */
    LAST_TOKEN;

    /** Parses the names TEI and the CLI use: cls, mean, max, last-token (or last_token). */
    public static Pooling parse(String name) {
        return WireName.parse(Pooling.class, name, "pooling");
    }

    /** Pools rows [start, end) of hidden [T, H] into a new vector. */
    public float[] pool(Tensor hidden, int start, int end) {
        return pool(hidden, start, end, 0);
    }

    /**
     * Pools rows [start, end), the first {@code leading} of them left out of MEAN and MAX as
     * sentence-transformers masks a prompt with {@code include_prompt: false} (CLS and LAST_TOKEN
     * read their row regardless). With no row left, the vector is zero, as sentence-transformers'
     * mean over an empty mask.
     */
    public float[] pool(Tensor hidden, int start, int end, int leading) {
        int h = hidden.dim(1);
        float[] out = new float[h];
        if ((this == MEAN || this == MAX) && leading > 0) {
            start = Math.min(start + leading, end);
            if (start == end) return out;
        }
        switch (this) {
            case CLS -> readRow(hidden, start, out);
            case LAST_TOKEN -> readRow(hidden, end - 1, out);
            case MEAN -> {
                for (int t = start; t < end; t++) addRow(hidden, t, out);
                float inv = 1f / (end - start);
                for (int i = 0; i < h; i++) out[i] *= inv;
            }
            case MAX -> {
                readRow(hidden, start, out);
                MemorySegment seg = hidden.segment();
                for (int t = start + 1; t < end; t++) {
                    long at = hidden.rowOffset(t);
                    for (int i = 0; i < h; i++) out[i] = Math.max(out[i], seg.getAtIndex(Tensor.F32, at + i));
                }
            }
        }
        return out;
    }

    /** into[i] += hidden[row, i], read in place: the result is the only array a pooled vector needs. */
    private static void addRow(Tensor hidden, int row, float[] into) {
        MemorySegment seg = hidden.segment();
        long at = hidden.rowOffset(row);
        for (int i = 0; i < into.length; i++) into[i] += seg.getAtIndex(Tensor.F32, at + i);
    }

    static void readRow(Tensor hidden, int row, float[] into) {
        MemorySegment.copy(hidden.segment(), Tensor.F32, hidden.rowOffset(row) * Float.BYTES, into, 0, into.length);
    }

    /** The name TEI and the CLI use: cls, mean, max, last-token. */
    public String wireName() {
        return WireName.of(this);
    }
}
