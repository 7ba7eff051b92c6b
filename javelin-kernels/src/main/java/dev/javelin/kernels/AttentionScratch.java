package dev.javelin.kernels;

/**
 * Per-thread heap buffers of the attention kernels ({@link ScaledDotProductAttention}, {@link FlashAttention}),
 * grown on demand and shared by both: a thread runs one head at a time, whichever kernel its length picks.
 */
final class AttentionScratch {
    private static final ThreadLocal<AttentionScratch> SCRATCH = ThreadLocal.withInitial(AttentionScratch::new);

    private float[] q = new float[0], kt = new float[0], v = new float[0], scores = new float[0], row = new float[0],
            out = new float[0], max = new float[0], sum = new float[0];
    /** Per-row factors of a six-row tile (1/Σ of each row's softmax, or ones). */
    final float[] inv = new float[6];

    static AttentionScratch get() {
        return SCRATCH.get();
    }

    float[] q(int n) { return q.length >= n ? q : (q = new float[n]); }

    float[] kt(int n) { return kt.length >= n ? kt : (kt = new float[n]); }

    float[] v(int n) { return v.length >= n ? v : (v = new float[n]); }

    float[] scores(int n) { return scores.length >= n ? scores : (scores = new float[n]); }

    float[] row(int n) { return row.length >= n ? row : (row = new float[n]); }

    float[] out(int n) { return out.length >= n ? out : (out = new float[n]); }

    /** Running maxima of the blocked kernel's query rows. */
    float[] max(int n) { return max.length >= n ? max : (max = new float[n]); }

    /** Running sums of the blocked kernel's query rows. */
    float[] sum(int n) { return sum.length >= n ? sum : (sum = new float[n]); }
}
