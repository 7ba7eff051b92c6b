package dev.javelin.kernels;

import dev.javelin.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Attention for one sequence and one head, fused: out[i] = Σⱼ softmaxⱼ(scale·q[i]·k[j] + bias[j] +
 * relative[j − i])·v[j] over the keys j the {@link AttentionWindow} lets query i see.
 * The L×L score matrix is never stored: six query rows at a time (twelve with 32 vector registers)
 * have their scores in a per-thread buffer while they are scaled, masked, exponentiated and applied
 * to V.
 *
 * <p>Both products are vector loops shaped like the matmul micro-kernel: 6 rows × 2 vectors of
 * accumulators stay in registers, every pair of Kᵀ (or V) loads feeds 12 independent FMAs; with 32
 * registers ({@link #WIDE}) scores take 6 × 4 vectors and values 12 rows × 2 vectors. Only Kᵀ
 * is copied, into a per-thread heap array in panels of the widest score tile ({@link #loadTransposed}); Q's elements are
 * broadcast straight from the projection, and V's rows are read in place when the head size is a
 * whole number of vector pairs (otherwise copied padded, {@link AttentionScratch#stageValues}).
 * Padded keys are excluded from the softmax; padded head columns are never written out. Measured on
 * this machine (one thread, L = 128, head size 32): ~30 µs per call with the data in cache (~43 µs
 * before stop 26's changes, docs/kernels.md); a variant calling the blocked matmul kernel per head was faster above ~100 tokens and
 * 2.5× slower at 16, where its packing dominates.
 *
 * <p>{@link ScaledDotProductAttentionReference} is the plain scalar twin the tests compare against.
 */
public final class ScaledDotProductAttention {
    private static final VectorSpecies<Float> F = Simd.F;
    private static final int W = F.length();
    /** Query rows computed together. */
    static final int ROWS = 6;
    private static final ByteOrder LE = Simd.LE;
    /**
     * Whether the CPU's 32 vector registers take the wide tiles: scores 6 rows × 4 vectors, values
     * 12 rows × 2 vectors ({@link #valuesTall}). Follows
     * the matmul's F32 tile ({@link MicroKernel#F32_VECTORS}), so the tests' forced shapes run both.
     */
    static final boolean WIDE = MicroKernel.F32_VECTORS == 4;
    /** Query rows of the tallest tile: twelve where the CPU takes the wide tiles, else six. */
    private static final int MAX_TILE = WIDE ? 2 * ROWS : ROWS;
    /** Keys per panel of the transposed K ({@link #loadTransposed}): the widest score tile's width. */
    static final int PANEL = WIDE ? 4 * W : 2 * W;

    /**
     * Sequences at least this long take the {@link Kernel#BLOCKED} kernel under a full window; under a
     * causal or banded one that lets it skip at least half of the key blocks, from
     * {@link #WINDOWED_BLOCKED_FROM} on.
     * Measured on Zen 4 (docs/kernels.md, "Attention"): full windows tie up to 1024 tokens at head
     * size 32 and favour the blocked kernel from 1024 at 128; causal ones favour it from 128.
     * The property is for A/B runs of the whole forward pass.
     */
    static final int BLOCKED_FROM = Integer.getInteger("javelin.attention.blockedFrom", 1024);
    static final int WINDOWED_BLOCKED_FROM = Math.min(BLOCKED_FROM, 128);

    /** The two ways to run one head. */
    public enum Kernel {
        /** Six query rows at a time against all keys ({@link ScaledDotProductAttention}): best for short sequences. */
        FUSED,
        /** Query blocks against key blocks with an online softmax ({@link FlashAttention}): best for long ones. */
        BLOCKED;

        /**
         * The kernel for a sequence of {@code len} tokens whose queries see {@code window}. A window
         * counts as skipping only where it hides at least about half of the score matrix (causal
         * does; ModernBERT's 128-token band at 128 tokens hides a quarter, and there the blocked
         * kernel ran 0.77× the fused one).
         */
        public static Kernel forShape(int len, AttentionWindow window) {
            boolean skips = !window.isFull() && 2 * visibleScores(len, window) <= (long) len * len + len;
            return len >= (skips ? WINDOWED_BLOCKED_FROM : BLOCKED_FROM) ? BLOCKED : FUSED;
        }

        private static long visibleScores(int len, AttentionWindow window) {
            long seen = 0;
            for (int i = 0; i < len; i++) seen += window.end(i, len) - window.first(i);
            return seen;
        }
    }

    private ScaledDotProductAttention() {}

    /**
     * @param q, k, v, out [L, d] views with unit stride along d (e.g. one head's columns of the
     *                     packed projections); out is overwritten
     * @param keyBias      null, or L additive terms per key (0 to keep, a huge negative to mask)
     */
    public static void apply(Tensor q, Tensor k, Tensor v, Tensor out, float scale, float[] keyBias) {
        apply(q, k, v, out, scale, keyBias, null, AttentionWindow.FULL);
    }

    /**
     * @param relativeBias null, or 2L − 1 additive terms by relative position: key j of query i gets
     *                     {@code relativeBias[j − i + L − 1]} (MPNet's and T5's position bias)
     * @param window       the keys each query may see; the others get probability 0
     */
    public static void apply(Tensor q, Tensor k, Tensor v, Tensor out, float scale, float[] keyBias, float[] relativeBias,
                             AttentionWindow window) {
        check(q, k, v, out, keyBias, relativeBias);
        int len = q.dim(0), d = q.dim(1);
        run(q.segment(), q.offset(), q.stride(0), k.segment(), k.offset(), k.stride(0), v.segment(), v.offset(), v.stride(0),
                out.segment(), out.offset(), out.stride(0), len, d, scale, keyBias, relativeBias, window, Kernel.forShape(len, window));
    }

    /**
     * One head of one sequence of packed projections, without making a view of it (a forward pass
     * runs this for every (sequence, head) pair; views would be objects allocated per call): rows
     * [from, to) of q, k, v and out, columns [h·d, (h+1)·d) of q and out and [kvh·d, (kvh+1)·d) of k
     * and v. All four are [T, ·] with unit stride along the columns; the other parameters are as in
     * {@link #apply(Tensor, Tensor, Tensor, Tensor, float, float[], float[], AttentionWindow)}, with
     * L = to − from. The kernel is the one {@link Kernel#forShape} picks for L.
     */
    public static void applyHead(Tensor q, Tensor k, Tensor v, Tensor out, int from, int to, int h, int kvh, int d,
                                 float scale, float[] keyBias, float[] relativeBias, AttentionWindow window) {
        applyHead(q, k, v, out, from, to, h, kvh, d, scale, keyBias, relativeBias, window, Kernel.forShape(to - from, window));
    }

    /** {@link #applyHead(Tensor, Tensor, Tensor, Tensor, int, int, int, int, int, float, float[], float[], AttentionWindow)} with the kernel chosen by the caller (tests, benchmarks). */
    public static void applyHead(Tensor q, Tensor k, Tensor v, Tensor out, int from, int to, int h, int kvh, int d,
                                 float scale, float[] keyBias, float[] relativeBias, AttentionWindow window, Kernel kernel) {
        requireHead("q", q, from, to, h, d);
        requireHead("k", k, from, to, kvh, d);
        requireHead("v", v, from, to, kvh, d);
        requireHead("out", out, from, to, h, d);
        int len = to - from;
        requireBias(len, keyBias, relativeBias);
        run(q.segment(), q.offset() + from * q.stride(0) + (long) h * d, q.stride(0),
                k.segment(), k.offset() + from * k.stride(0) + (long) kvh * d, k.stride(0),
                v.segment(), v.offset() + from * v.stride(0) + (long) kvh * d, v.stride(0),
                out.segment(), out.offset() + from * out.stride(0) + (long) h * d, out.stride(0),
                len, d, scale, keyBias, relativeBias, window, kernel);
    }

    /** The kernel over [len, d] operands given as segment, element offset of row 0 and row stride (unit column stride). */
    private static void run(MemorySegment qs, long qBase, long qRow, MemorySegment ks, long kBase, long kRow,
                            MemorySegment vs, long vBase, long vRow, MemorySegment os, long oBase, long oRow,
                            int len, int d, float scale, float[] keyBias, float[] relativeBias, AttentionWindow window,
                            Kernel kernel) {
        if (kernel == Kernel.BLOCKED) {
            FlashAttention.run(qs, qBase, qRow, ks, kBase, kRow, vs, vBase, vRow, os, oBase, oRow, len, d, scale, keyBias,
                    relativeBias, window);
            return;
        }
        if (len == 0 || d == 0) return;
        int lenPad = roundUp(len, 2 * W), dPad = roundUp(d, 2 * W);
        AttentionScratch s = AttentionScratch.get();
        float[] kt = s.kt(transposedLength(lenPad, d)), sc = s.scores(MAX_TILE * lenPad), ob = s.out(MAX_TILE * dPad);
        loadTransposed(ks, kBase, kRow, len, d, kt, lenPad, s.row(d));
        s.stageValues(vs, vBase, vRow, len, d, dPad);

        float[] inv = s.inv;
        for (int i0 = 0, tile; i0 < len; i0 += tile) {
            // twelve rows where 32 registers allow, but never twelve for six or fewer (a 16-token sequence is 12 + 6)
            tile = len - i0 > ROWS ? MAX_TILE : ROWS;
            for (int h = 0; h < tile; h += ROWS) {
                int first = Math.min(i0 + h, len - 1); // a six-row group past the sequence repeats its last row: padding
                long qAt = (qBase + first * qRow) * Float.BYTES;
                int rows = Math.min(ROWS, len - first), j = 0;
                if (WIDE) {
                    for (; j + 4 * W <= lenPad; j += 4 * W) {
                        scoresWide(qs, qAt, qRow * Float.BYTES, rows, d, scale, kt, j, sc, lenPad, h * lenPad + j);
                    }
                }
                for (; j < lenPad; j += 2 * W) {
                    scores(qs, qAt, qRow * Float.BYTES, rows, d, scale, kt, j, sc, lenPad, h * lenPad + j);
                }
                softmaxNumerators(sc, h * lenPad, lenPad, len, first, keyBias, relativeBias, window, s, inv, h);
            }
            if (tile > ROWS) {
                for (int c = 0; c < dPad; c += 2 * W) valuesTall(sc, lenPad, len, s.vRows, s.vAt, s.vPitch, dPad, c, inv, ob);
            } else {
                Arrays.fill(ob, 0, ROWS * dPad, 0f);
                for (int c = 0; c < dPad; c += 2 * W) values(sc, lenPad, len, s.vRows, s.vAt, s.vPitch, dPad, c, inv, ob, 0);
            }
            for (int r = 0; r < Math.min(tile, len - i0); r++) {
                MemorySegment.copy(ob, r * dPad, os, Tensor.F32, (oBase + (i0 + r) * oRow) * Float.BYTES, d);
            }
        }
    }

    /**
     * Scaled scores of query rows [0, 6) × keys [j, j + 2W) (Kᵀ in panels, {@link #loadTransposed}): 12
     * accumulators in registers, each pair of Kᵀ loads feeding 12 FMAs (the shape of the matmul
     * micro-kernel), into {@code sc} from {@code scAt} on, rows {@code scPitch} apart. Query row 0
     * is at byte {@code qAt} of {@code qs}, rows {@code qPitch} bytes apart; only the first
     * {@code rows} exist, the others repeat the last one (padding whose scores nobody reads).
     *
     * <p>Q's elements are broadcast straight from the projection: a scaled, zero-padded copy of the
     * head's Q cost as much as this method's loads in the forward pass (JFR), where Q comes from L3.
     * The scale multiplies the finished dot products, as Hugging Face's (q·kᵀ)·scale does.
     *
     * <p>The three stages are methods of their own, each compiled by C2 as a whole: written out in
     * {@code apply}, the method grew past what C2 would compile with the Vector API inlined (JFR
     * showed every vector operation of attention running in the boxed fallback, gigabytes of
     * {@code float[]} a second).
     */
    static void scores(MemorySegment qs, long qAt, long qPitch, int rows, int d, float scale, float[] kt, int j,
                       float[] sc, int scPitch, int scAt) {
        long q0 = qAt, q1 = qAt + Math.min(1, rows - 1) * qPitch, q2 = qAt + Math.min(2, rows - 1) * qPitch,
                q3 = qAt + Math.min(3, rows - 1) * qPitch, q4 = qAt + Math.min(4, rows - 1) * qPitch,
                q5 = qAt + Math.min(5, rows - 1) * qPitch;
        FloatVector s0a = FloatVector.zero(F), s0b = s0a, s1a = s0a, s1b = s0a, s2a = s0a, s2b = s0a, s3a = s0a, s3b = s0a, s4a = s0a, s4b = s0a, s5a = s0a, s5b = s0a;
        for (int c = 0, panel = transposedAt(j, 0, d); c < d; c++) {
            FloatVector ka = FloatVector.fromArray(F, kt, panel + c * PANEL);
            FloatVector kb = FloatVector.fromArray(F, kt, panel + c * PANEL + W);
            long at = (long) c * Float.BYTES;
            FloatVector b0 = FloatVector.broadcast(F, qs.get(Tensor.F32, q0 + at));
            s0a = ka.fma(b0, s0a);
            s0b = kb.fma(b0, s0b);
            FloatVector b1 = FloatVector.broadcast(F, qs.get(Tensor.F32, q1 + at));
            s1a = ka.fma(b1, s1a);
            s1b = kb.fma(b1, s1b);
            FloatVector b2 = FloatVector.broadcast(F, qs.get(Tensor.F32, q2 + at));
            s2a = ka.fma(b2, s2a);
            s2b = kb.fma(b2, s2b);
            FloatVector b3 = FloatVector.broadcast(F, qs.get(Tensor.F32, q3 + at));
            s3a = ka.fma(b3, s3a);
            s3b = kb.fma(b3, s3b);
            FloatVector b4 = FloatVector.broadcast(F, qs.get(Tensor.F32, q4 + at));
            s4a = ka.fma(b4, s4a);
            s4b = kb.fma(b4, s4b);
            FloatVector b5 = FloatVector.broadcast(F, qs.get(Tensor.F32, q5 + at));
            s5a = ka.fma(b5, s5a);
            s5b = kb.fma(b5, s5b);
        }
        s0a.mul(scale).intoArray(sc, scAt);
        s0b.mul(scale).intoArray(sc, scAt + W);
        s1a.mul(scale).intoArray(sc, scPitch + scAt);
        s1b.mul(scale).intoArray(sc, scPitch + scAt + W);
        s2a.mul(scale).intoArray(sc, 2 * scPitch + scAt);
        s2b.mul(scale).intoArray(sc, 2 * scPitch + scAt + W);
        s3a.mul(scale).intoArray(sc, 3 * scPitch + scAt);
        s3b.mul(scale).intoArray(sc, 3 * scPitch + scAt + W);
        s4a.mul(scale).intoArray(sc, 4 * scPitch + scAt);
        s4b.mul(scale).intoArray(sc, 4 * scPitch + scAt + W);
        s5a.mul(scale).intoArray(sc, 5 * scPitch + scAt);
        s5b.mul(scale).intoArray(sc, 5 * scPitch + scAt + W);
    }

    /**
     * {@link #scores} over keys [j, j + 4W): 6 rows × 4 vectors of accumulators, for CPUs with 32
     * vector registers ({@link #WIDE}); each Kᵀ load and Q broadcast feeds twice the FMAs.
     */
    static void scoresWide(MemorySegment qs, long qAt, long qPitch, int rows, int d, float scale, float[] kt, int j,
                           float[] sc, int scPitch, int scAt) {
        long q0 = qAt, q1 = qAt + Math.min(1, rows - 1) * qPitch, q2 = qAt + Math.min(2, rows - 1) * qPitch,
                q3 = qAt + Math.min(3, rows - 1) * qPitch, q4 = qAt + Math.min(4, rows - 1) * qPitch,
                q5 = qAt + Math.min(5, rows - 1) * qPitch;
        FloatVector s0a = FloatVector.zero(F), s0b = s0a, s0c = s0a, s0d = s0a, s1a = s0a, s1b = s0a, s1c = s0a, s1d = s0a, s2a = s0a, s2b = s0a, s2c = s0a, s2d = s0a, s3a = s0a, s3b = s0a, s3c = s0a, s3d = s0a, s4a = s0a, s4b = s0a, s4c = s0a, s4d = s0a, s5a = s0a, s5b = s0a, s5c = s0a, s5d = s0a;
        for (int c = 0, panel = transposedAt(j, 0, d); c < d; c++) {
            int kAt = panel + c * PANEL;
            FloatVector ka = FloatVector.fromArray(F, kt, kAt), kb = FloatVector.fromArray(F, kt, kAt + W),
                    kc = FloatVector.fromArray(F, kt, kAt + 2 * W), kd = FloatVector.fromArray(F, kt, kAt + 3 * W);
            long at = (long) c * Float.BYTES;
            FloatVector b0 = FloatVector.broadcast(F, qs.get(Tensor.F32, q0 + at));
            s0a = ka.fma(b0, s0a);
            s0b = kb.fma(b0, s0b);
            s0c = kc.fma(b0, s0c);
            s0d = kd.fma(b0, s0d);
            FloatVector b1 = FloatVector.broadcast(F, qs.get(Tensor.F32, q1 + at));
            s1a = ka.fma(b1, s1a);
            s1b = kb.fma(b1, s1b);
            s1c = kc.fma(b1, s1c);
            s1d = kd.fma(b1, s1d);
            FloatVector b2 = FloatVector.broadcast(F, qs.get(Tensor.F32, q2 + at));
            s2a = ka.fma(b2, s2a);
            s2b = kb.fma(b2, s2b);
            s2c = kc.fma(b2, s2c);
            s2d = kd.fma(b2, s2d);
            FloatVector b3 = FloatVector.broadcast(F, qs.get(Tensor.F32, q3 + at));
            s3a = ka.fma(b3, s3a);
            s3b = kb.fma(b3, s3b);
            s3c = kc.fma(b3, s3c);
            s3d = kd.fma(b3, s3d);
            FloatVector b4 = FloatVector.broadcast(F, qs.get(Tensor.F32, q4 + at));
            s4a = ka.fma(b4, s4a);
            s4b = kb.fma(b4, s4b);
            s4c = kc.fma(b4, s4c);
            s4d = kd.fma(b4, s4d);
            FloatVector b5 = FloatVector.broadcast(F, qs.get(Tensor.F32, q5 + at));
            s5a = ka.fma(b5, s5a);
            s5b = kb.fma(b5, s5b);
            s5c = kc.fma(b5, s5c);
            s5d = kd.fma(b5, s5d);
        }
        s0a.mul(scale).intoArray(sc, scAt);
        s0b.mul(scale).intoArray(sc, scAt + W);
        s0c.mul(scale).intoArray(sc, scAt + 2 * W);
        s0d.mul(scale).intoArray(sc, scAt + 3 * W);
        s1a.mul(scale).intoArray(sc, scPitch + scAt);
        s1b.mul(scale).intoArray(sc, scPitch + scAt + W);
        s1c.mul(scale).intoArray(sc, scPitch + scAt + 2 * W);
        s1d.mul(scale).intoArray(sc, scPitch + scAt + 3 * W);
        s2a.mul(scale).intoArray(sc, 2 * scPitch + scAt);
        s2b.mul(scale).intoArray(sc, 2 * scPitch + scAt + W);
        s2c.mul(scale).intoArray(sc, 2 * scPitch + scAt + 2 * W);
        s2d.mul(scale).intoArray(sc, 2 * scPitch + scAt + 3 * W);
        s3a.mul(scale).intoArray(sc, 3 * scPitch + scAt);
        s3b.mul(scale).intoArray(sc, 3 * scPitch + scAt + W);
        s3c.mul(scale).intoArray(sc, 3 * scPitch + scAt + 2 * W);
        s3d.mul(scale).intoArray(sc, 3 * scPitch + scAt + 3 * W);
        s4a.mul(scale).intoArray(sc, 4 * scPitch + scAt);
        s4b.mul(scale).intoArray(sc, 4 * scPitch + scAt + W);
        s4c.mul(scale).intoArray(sc, 4 * scPitch + scAt + 2 * W);
        s4d.mul(scale).intoArray(sc, 4 * scPitch + scAt + 3 * W);
        s5a.mul(scale).intoArray(sc, 5 * scPitch + scAt);
        s5b.mul(scale).intoArray(sc, 5 * scPitch + scAt + W);
        s5c.mul(scale).intoArray(sc, 5 * scPitch + scAt + 2 * W);
        s5d.mul(scale).intoArray(sc, 5 * scPitch + scAt + 3 * W);
    }

    /**
     * Six output rows × head columns [c, c + 2W) of the padded heap block {@code o} (rows dPad apart,
     * row 0 at {@code oAt}): o = (o + probabilities · V) · factor, the probabilities being
     * sc[r·scPitch + j] for keys j &lt; {@code keys}, read against V's rows: key 0's at byte
     * {@code vAt} of {@code vRows}, rows {@code vPitch} bytes apart (see {@link AttentionScratch#stageValues}). The
     * fused kernel starts from o = 0 with factor 1/Σ; the blocked one accumulates with factor 1.
     * The accumulators are stored here, not handed to a store helper: a vector passed to a call C2
     * does not inline is boxed (JFR showed this method allocating in the steady state).
     */
    static void values(float[] sc, int scPitch, int keys, MemorySegment vRows, long vAt, long vPitch, int dPad, int c,
                       float[] factor, float[] o, int oAt) {
        int o0 = oAt + c, o1 = o0 + dPad, o2 = o1 + dPad, o3 = o2 + dPad, o4 = o3 + dPad, o5 = o4 + dPad;
        FloatVector o0a = FloatVector.fromArray(F, o, o0), o0b = FloatVector.fromArray(F, o, o0 + W);
        FloatVector o1a = FloatVector.fromArray(F, o, o1), o1b = FloatVector.fromArray(F, o, o1 + W);
        FloatVector o2a = FloatVector.fromArray(F, o, o2), o2b = FloatVector.fromArray(F, o, o2 + W);
        FloatVector o3a = FloatVector.fromArray(F, o, o3), o3b = FloatVector.fromArray(F, o, o3 + W);
        FloatVector o4a = FloatVector.fromArray(F, o, o4), o4b = FloatVector.fromArray(F, o, o4 + W);
        FloatVector o5a = FloatVector.fromArray(F, o, o5), o5b = FloatVector.fromArray(F, o, o5 + W);
        long at = vAt + (long) c * Float.BYTES;
        for (int j = 0; j < keys; j++, at += vPitch) {
            FloatVector va = FloatVector.fromMemorySegment(F, vRows, at, LE);
            FloatVector vb = FloatVector.fromMemorySegment(F, vRows, at + (long) W * Float.BYTES, LE);
            FloatVector p0 = FloatVector.broadcast(F, sc[j]);
            o0a = va.fma(p0, o0a);
            o0b = vb.fma(p0, o0b);
            FloatVector p1 = FloatVector.broadcast(F, sc[scPitch + j]);
            o1a = va.fma(p1, o1a);
            o1b = vb.fma(p1, o1b);
            FloatVector p2 = FloatVector.broadcast(F, sc[2 * scPitch + j]);
            o2a = va.fma(p2, o2a);
            o2b = vb.fma(p2, o2b);
            FloatVector p3 = FloatVector.broadcast(F, sc[3 * scPitch + j]);
            o3a = va.fma(p3, o3a);
            o3b = vb.fma(p3, o3b);
            FloatVector p4 = FloatVector.broadcast(F, sc[4 * scPitch + j]);
            o4a = va.fma(p4, o4a);
            o4b = vb.fma(p4, o4b);
            FloatVector p5 = FloatVector.broadcast(F, sc[5 * scPitch + j]);
            o5a = va.fma(p5, o5a);
            o5b = vb.fma(p5, o5b);
        }
        o0a.mul(factor[0]).intoArray(o, o0);
        o0b.mul(factor[0]).intoArray(o, o0 + W);
        o1a.mul(factor[1]).intoArray(o, o1);
        o1b.mul(factor[1]).intoArray(o, o1 + W);
        o2a.mul(factor[2]).intoArray(o, o2);
        o2b.mul(factor[2]).intoArray(o, o2 + W);
        o3a.mul(factor[3]).intoArray(o, o3);
        o3b.mul(factor[3]).intoArray(o, o3 + W);
        o4a.mul(factor[4]).intoArray(o, o4);
        o4b.mul(factor[4]).intoArray(o, o4 + W);
        o5a.mul(factor[5]).intoArray(o, o5);
        o5b.mul(factor[5]).intoArray(o, o5 + W);
    }

    /**
     * Twelve output rows × head columns [c, c + 2W) of the fused kernel, for CPUs with 32 vector
     * registers ({@link #WIDE}): o = (probabilities · V) · factor, each pair of V loads feeding 24
     * FMAs, so V's rows are read half as often as by six-row tiles. Operands as in {@link #values},
     * o's row 0 at 0.
     */
    static void valuesTall(float[] sc, int scPitch, int keys, MemorySegment vRows, long vAt, long vPitch, int dPad, int c,
                           float[] factor, float[] o) {
        FloatVector o0a = FloatVector.zero(F), o0b = o0a, o1a = o0a, o1b = o0a, o2a = o0a, o2b = o0a, o3a = o0a, o3b = o0a, o4a = o0a, o4b = o0a, o5a = o0a, o5b = o0a, o6a = o0a, o6b = o0a, o7a = o0a, o7b = o0a, o8a = o0a, o8b = o0a, o9a = o0a, o9b = o0a, o10a = o0a, o10b = o0a, o11a = o0a, o11b = o0a;
        long at = vAt + (long) c * Float.BYTES;
        for (int j = 0; j < keys; j++, at += vPitch) {
            FloatVector va = FloatVector.fromMemorySegment(F, vRows, at, LE);
            FloatVector vb = FloatVector.fromMemorySegment(F, vRows, at + (long) W * Float.BYTES, LE);
            FloatVector p0 = FloatVector.broadcast(F, sc[j]);
            o0a = va.fma(p0, o0a);
            o0b = vb.fma(p0, o0b);
            FloatVector p1 = FloatVector.broadcast(F, sc[scPitch + j]);
            o1a = va.fma(p1, o1a);
            o1b = vb.fma(p1, o1b);
            FloatVector p2 = FloatVector.broadcast(F, sc[2 * scPitch + j]);
            o2a = va.fma(p2, o2a);
            o2b = vb.fma(p2, o2b);
            FloatVector p3 = FloatVector.broadcast(F, sc[3 * scPitch + j]);
            o3a = va.fma(p3, o3a);
            o3b = vb.fma(p3, o3b);
            FloatVector p4 = FloatVector.broadcast(F, sc[4 * scPitch + j]);
            o4a = va.fma(p4, o4a);
            o4b = vb.fma(p4, o4b);
            FloatVector p5 = FloatVector.broadcast(F, sc[5 * scPitch + j]);
            o5a = va.fma(p5, o5a);
            o5b = vb.fma(p5, o5b);
            FloatVector p6 = FloatVector.broadcast(F, sc[6 * scPitch + j]);
            o6a = va.fma(p6, o6a);
            o6b = vb.fma(p6, o6b);
            FloatVector p7 = FloatVector.broadcast(F, sc[7 * scPitch + j]);
            o7a = va.fma(p7, o7a);
            o7b = vb.fma(p7, o7b);
            FloatVector p8 = FloatVector.broadcast(F, sc[8 * scPitch + j]);
            o8a = va.fma(p8, o8a);
            o8b = vb.fma(p8, o8b);
            FloatVector p9 = FloatVector.broadcast(F, sc[9 * scPitch + j]);
            o9a = va.fma(p9, o9a);
            o9b = vb.fma(p9, o9b);
            FloatVector p10 = FloatVector.broadcast(F, sc[10 * scPitch + j]);
            o10a = va.fma(p10, o10a);
            o10b = vb.fma(p10, o10b);
            FloatVector p11 = FloatVector.broadcast(F, sc[11 * scPitch + j]);
            o11a = va.fma(p11, o11a);
            o11b = vb.fma(p11, o11b);
        }
        o0a.mul(factor[0]).intoArray(o, c);
        o0b.mul(factor[0]).intoArray(o, c + W);
        o1a.mul(factor[1]).intoArray(o, dPad + c);
        o1b.mul(factor[1]).intoArray(o, dPad + c + W);
        o2a.mul(factor[2]).intoArray(o, 2 * dPad + c);
        o2b.mul(factor[2]).intoArray(o, 2 * dPad + c + W);
        o3a.mul(factor[3]).intoArray(o, 3 * dPad + c);
        o3b.mul(factor[3]).intoArray(o, 3 * dPad + c + W);
        o4a.mul(factor[4]).intoArray(o, 4 * dPad + c);
        o4b.mul(factor[4]).intoArray(o, 4 * dPad + c + W);
        o5a.mul(factor[5]).intoArray(o, 5 * dPad + c);
        o5b.mul(factor[5]).intoArray(o, 5 * dPad + c + W);
        o6a.mul(factor[6]).intoArray(o, 6 * dPad + c);
        o6b.mul(factor[6]).intoArray(o, 6 * dPad + c + W);
        o7a.mul(factor[7]).intoArray(o, 7 * dPad + c);
        o7b.mul(factor[7]).intoArray(o, 7 * dPad + c + W);
        o8a.mul(factor[8]).intoArray(o, 8 * dPad + c);
        o8b.mul(factor[8]).intoArray(o, 8 * dPad + c + W);
        o9a.mul(factor[9]).intoArray(o, 9 * dPad + c);
        o9b.mul(factor[9]).intoArray(o, 9 * dPad + c + W);
        o10a.mul(factor[10]).intoArray(o, 10 * dPad + c);
        o10b.mul(factor[10]).intoArray(o, 10 * dPad + c + W);
        o11a.mul(factor[11]).intoArray(o, 11 * dPad + c);
        o11b.mul(factor[11]).intoArray(o, 11 * dPad + c + W);
    }

    /**
     * The softmax numerators of a tile's six score rows (rows {@code pitch} apart, query i0 + r in
     * row r): each row's sc[j] becomes exp(score + bias − max) for its keys j &lt; len, and inv[r]
     * 1/Σ. Keys outside the row's window get 0, as do the entries past len (padding), so the V
     * product can run over whole vectors.
     *
     * <p>The six rows go through each step together: a row's maximum and its sum end in a reduction
     * across the lanes, a chain of dependent instructions, and row by row those chains ran one after
     * the other (at L = 128, head size 32 the two reductions were 12% of the kernel's time).
     */
    private static void softmaxNumerators(float[] sc, int at, int pitch, int len, int i0, float[] bias, float[] relative,
                                          AttentionWindow window, AttentionScratch s, float[] inv, int invAt) {
        if (bias != null || relative != null || window != AttentionWindow.FULL) {
            for (int r = 0; r < ROWS; r++) {
                int i = Math.min(i0 + r, len - 1); // rows past len are padding: any valid row's pattern will do
                addBiases(sc, at + r * pitch, len, bias, relative, len - 1 - i, window.first(i), window.end(i, len));
            }
        }
        float[] max = s.rowMax, lanes = s.lanes(ROWS * W);
        maxima(sc, at, pitch, len, max);
        for (int r = 0; r < ROWS; r++) inv[invAt + r] = exponentiate(sc, at + r * pitch, len, max[r], lanes, r * W);
        for (int r = 0; r < ROWS; r++) {
            float sum = 0;
            for (int l = 0; l < W; l++) sum += lanes[r * W + l];
            inv[invAt + r] = 1f / (sum + inv[invAt + r]);
        }
    }

    /**
     * Adds the biases to scores[from, from+len), and gives the keys outside [first, end) the
     * lowest finite score, as Hugging Face's masks do: exp underflows to 0.
     * {@code relative[relativeAt + j]} is key j's relative-position term.
     */
    private static void addBiases(float[] sc, int from, int len, float[] bias, float[] relative, int relativeAt,
                                  int first, int end) {
        if (bias != null) {
            for (int j = 0; j < len; j++) sc[from + j] += bias[j];
        }
        if (relative != null) {
            for (int j = 0; j < len; j++) sc[from + j] += relative[relativeAt + j];
        }
        if (first > 0 || end < len) {
            Arrays.fill(sc, from, from + first, -Float.MAX_VALUE);
            Arrays.fill(sc, from + end, from + len, -Float.MAX_VALUE);
        }
    }

    /**
     * max[r] = the largest of the six rows' x[from + r·pitch, from + r·pitch + len), the rows side by side so
     * that their chains of compares overlap. The lanes keep their maxima by compare and blend (two
     * instructions) rather than {@code FloatVector.max}, whose NaN and signed-zero rules cost five:
     * it differs only for NaN (the softmax is NaN either way) and ±0 (e^(s − 0) = e^(s + 0)).
     */
    static void maxima(float[] x, int from, int pitch, int len, float[] max) {
        int bound = F.loopBound(len);
        FloatVector m0 = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY), m1 = m0, m2 = m0, m3 = m0, m4 = m0, m5 = m0;
        for (int j = 0; j < bound; j += W) {
            FloatVector v0 = FloatVector.fromArray(F, x, from + j);
            m0 = m0.blend(v0, m0.compare(VectorOperators.LT, v0));
            FloatVector v1 = FloatVector.fromArray(F, x, from + pitch + j);
            m1 = m1.blend(v1, m1.compare(VectorOperators.LT, v1));
            FloatVector v2 = FloatVector.fromArray(F, x, from + 2 * pitch + j);
            m2 = m2.blend(v2, m2.compare(VectorOperators.LT, v2));
            FloatVector v3 = FloatVector.fromArray(F, x, from + 3 * pitch + j);
            m3 = m3.blend(v3, m3.compare(VectorOperators.LT, v3));
            FloatVector v4 = FloatVector.fromArray(F, x, from + 4 * pitch + j);
            m4 = m4.blend(v4, m4.compare(VectorOperators.LT, v4));
            FloatVector v5 = FloatVector.fromArray(F, x, from + 5 * pitch + j);
            m5 = m5.blend(v5, m5.compare(VectorOperators.LT, v5));
        }
        max[0] = m0.reduceLanes(VectorOperators.MAX);
        max[1] = m1.reduceLanes(VectorOperators.MAX);
        max[2] = m2.reduceLanes(VectorOperators.MAX);
        max[3] = m3.reduceLanes(VectorOperators.MAX);
        max[4] = m4.reduceLanes(VectorOperators.MAX);
        max[5] = m5.reduceLanes(VectorOperators.MAX);
        for (int r = 0; r < ROWS; r++) {
            for (int j = bound; j < len; j++) max[r] = Math.max(max[r], x[from + r * pitch + j]);
        }
    }

    /**
     * sc[from, from+len) = exp(sc − max); the sum of the whole vectors' terms is left by lane in
     * lanes[at, at + W) (added in lane order by the caller, so that the result does not depend on
     * the JIT tier, as {@link Simd#sumLanes}), and the sum of the tail past them is returned.
     */
    private static float exponentiate(float[] sc, int from, int len, float max, float[] lanes, int at) {
        int bound = F.loopBound(len);
        if (bound == 0) Arrays.fill(lanes, at, at + W, 0f);
        else exponentiateVectors(sc, from, bound, max, lanes, at);
        float sum = 0;
        for (int j = bound; j < len; j++) {
            sc[from + j] = Exp.exp(sc[from + j] - max);
            sum += sc[from + j];
        }
        return sum;
    }

    /**
     * The whole vectors of {@link #exponentiate}, in a method entered only when there is at least
     * one, for the reason given at {@code Softmax.exponentiateVectors}: so that C2 always finds the
     * exp call hot and never boxes its vectors. The exponents are ≤ 0, so the exp skips the test for
     * overflow ({@link Exp#expNoOverflow}).
     */
    private static void exponentiateVectors(float[] sc, int from, int bound, float max, float[] lanes, int at) {
        FloatVector vsum = FloatVector.zero(F);
        for (int j = 0; j < bound; j += W) {
            FloatVector e = Exp.expNoOverflow(FloatVector.fromArray(F, sc, from + j).sub(max));
            e.intoArray(sc, from + j);
            vsum = vsum.add(e);
        }
        vsum.intoArray(lanes, at);
    }

    /** Copies x [len, d] (row 0 at element {@code base}, rows {@code rowStride} apart) into dst with row pitch {@code pitch} (elements), the columns past d zero. */
    static void load(MemorySegment seg, long base, long rowStride, int len, int d, MemorySegment dst, int pitch) {
        for (int i = 0; i < len; i++) {
            MemorySegment.copy(seg, (base + i * rowStride) * Float.BYTES, dst, (long) i * pitch * Float.BYTES, (long) d * Float.BYTES);
            for (int c = d; c < pitch; c++) dst.setAtIndex(Tensor.F32, (long) i * pitch + c, 0f);
        }
    }

    /**
     * Copies K [len, d] (as x in {@link #load}) into dst as Kᵀ in panels of {@link #PANEL} keys: key j's element c at
     * {@link #transposedAt}(j, c, d), keys len to {@code lenPad} (a multiple of PANEL) zero; {@code row} is scratch of
     * d floats. A panel is d rows of PANEL keys, one after the other, so that the score tiles read Kᵀ at a constant
     * stride that C2 can check once per call (as [d, lenPad] rows lenPad apart, it checked every load: 2% of a head's
     * samples in {@code checkIndex}) and stream it from consecutive lines.
     */
    static void loadTransposed(MemorySegment seg, long base, long rowStride, int len, int d, float[] dst, int lenPad,
                               float[] row) {
        for (int j = len; j < lenPad; j++) {
            for (int c = 0, at = transposedAt(j, 0, d); c < d; c++) dst[at + c * PANEL] = 0f;
        }
        for (int j = 0; j < len; j++) {
            MemorySegment.copy(seg, Tensor.F32, (base + j * rowStride) * Float.BYTES, row, 0, d);
            for (int c = 0, at = transposedAt(j, 0, d); c < d; c++) dst[at + c * PANEL] = row[c];
        }
    }

    /** Where {@link #loadTransposed} puts key j's element c. */
    static int transposedAt(int j, int c, int d) {
        return j / PANEL * PANEL * d + c * PANEL + j % PANEL;
    }

    /** Floats {@link #loadTransposed} lays out for {@code lenPad} keys of head size d: whole panels. */
    static int transposedLength(int lenPad, int d) {
        return d * roundUp(lenPad, PANEL);
    }

    static int roundUp(int n, int m) {
        return (n + m - 1) / m * m;
    }

    static void check(Tensor q, Tensor k, Tensor v, Tensor out, float[] keyBias, float[] relativeBias) {
        if (q.rank() != 2) throw new IllegalArgumentException("attention q must be [L, d], got " + Arrays.toString(q.shape()));
        int len = q.dim(0), d = q.dim(1);
        k.requireShape("attention k", len, d);
        v.requireShape("attention v", len, d);
        out.requireShape("attention out", len, d);
        for (Tensor t : new Tensor[] {q, k, v, out}) {
            if (d > 1 && t.stride(1) != 1) {
                throw new IllegalArgumentException("attention operands need unit stride along the head dimension, got strides "
                        + Arrays.toString(t.strides()));
            }
        }
        requireBias(len, keyBias, relativeBias);
    }

    private static void requireBias(int len, float[] keyBias, float[] relativeBias) {
        if (keyBias != null && keyBias.length < len) {
            throw new IllegalArgumentException("attention key bias has " + keyBias.length + " entries for " + len + " keys");
        }
        if (relativeBias != null && relativeBias.length < 2 * len - 1) {
            throw new IllegalArgumentException("relative position bias has " + relativeBias.length + " entries for "
                    + len + " keys; it needs 2L - 1 = " + (2 * len - 1));
        }
    }

    /** Checks that rows [from, to) × columns [head·d, (head+1)·d) lie inside x, a [T, ·] matrix with unit column stride. */
    private static void requireHead(String name, Tensor x, int from, int to, int head, int d) {
        if (x.rank() != 2) throw new IllegalArgumentException("attention " + name + " must be [T, columns], got " + Arrays.toString(x.shape()));
        if (from < 0 || from > to || to > x.dim(0)) {
            throw new IllegalArgumentException("attention " + name + ": rows [" + from + ", " + to + ") out of range for " + x.dim(0) + " rows");
        }
        if (head < 0 || d < 0 || (long) (head + 1) * d > x.dim(1)) {
            throw new IllegalArgumentException("attention " + name + ": head " + head + " of size " + d + " does not fit in "
                    + x.dim(1) + " columns");
        }
        if (d > 1 && x.stride(1) != 1) {
            throw new IllegalArgumentException("attention operands need unit stride along the head dimension, got strides "
                    + Arrays.toString(x.strides()));
        }
    }
}
