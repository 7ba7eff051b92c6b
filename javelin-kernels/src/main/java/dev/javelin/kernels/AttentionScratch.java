package dev.javelin.kernels;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Per-thread buffers of the attention kernels ({@link ScaledDotProductAttention}, {@link FlashAttention}), on the heap
 * but for staged V rows ({@link #stageValues}), grown on demand and shared by both: a thread runs one head at a time,
 * whichever kernel its length picks.
 */
final class AttentionScratch {
    private static final ThreadLocal<AttentionScratch> SCRATCH = ThreadLocal.withInitial(AttentionScratch::new);

    private float[] kt = new float[0], scores = new float[0], row = new float[0],
            out = new float[0], max = new float[0], sum = new float[0], lanes = new float[0];
    /** Per-row factors of a tile of up to twelve rows (1/Σ of each row's softmax, or ones). */
    final float[] inv = new float[12];
    /** The maxima of a six-row tile's scores. */
    final float[] rowMax = new float[6];

    /** Where {@link ScaledDotProductAttention#values}' reads V: set by {@link #stageValues}. */
    MemorySegment vRows;
    /** Byte offset of key 0's row in {@link #vRows}, and the bytes between rows. */
    long vAt, vPitch;
    /**
     * Staged V rows, off the heap: {@link ScaledDotProductAttention#values} must only ever see one
     * kind of segment. Once a heap segment had reached it, C2 compiled its loads for both kinds: the
     * method ran 60% slower, a whole head 20% (measured at L = 128, head size 32, one thread).
     */
    private MemorySegment vStaged = MemorySegment.NULL;

    static AttentionScratch get() {
        return SCRATCH.get();
    }

    float[] kt(int n) { return kt.length >= n ? kt : (kt = new float[n]); }

    /**
     * Points {@link #vRows} at V [len, d] (row 0 at element {@code base} of vs, rows {@code rowStride}
     * apart). When d is a whole number of vector pairs the value micro-kernel reads the rows in
     * place: a copy of them cost as much as the kernel's loads in the forward pass (JFR), V coming
     * from L3. Other head sizes are copied with their rows padded with zeros to {@code dPad}, so
     * that the kernel's vector pairs never read past a row (or the segment).
     */
    void stageValues(MemorySegment vs, long base, long rowStride, int len, int d, int dPad) {
        if (d == dPad) {
            vRows = vs;
            vAt = base * Float.BYTES;
            vPitch = rowStride * Float.BYTES;
            return;
        }
        long bytes = (long) len * dPad * Float.BYTES;
        if (vStaged.byteSize() < bytes) vStaged = Arena.ofAuto().allocate(bytes, 64);
        ScaledDotProductAttention.load(vs, base, rowStride, len, d, vStaged, dPad);
        vRows = vStaged;
        vAt = 0;
        vPitch = (long) dPad * Float.BYTES;
    }

    float[] scores(int n) { return scores.length >= n ? scores : (scores = new float[n]); }

    float[] row(int n) { return row.length >= n ? row : (row = new float[n]); }

    float[] out(int n) { return out.length >= n ? out : (out = new float[n]); }

    /** A six-row tile's sums by lane. */
    float[] lanes(int n) { return lanes.length >= n ? lanes : (lanes = new float[n]); }

    /** Running maxima of the blocked kernel's query rows. */
    float[] max(int n) { return max.length >= n ? max : (max = new float[n]); }

    /** Running sums of the blocked kernel's query rows. */
    float[] sum(int n) { return sum.length >= n ? sum : (sum = new float[n]); }
}
