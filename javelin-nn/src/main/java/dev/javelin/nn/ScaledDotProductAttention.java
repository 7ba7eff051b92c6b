package dev.javelin.nn;

import dev.javelin.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Attention for one sequence and one head, fused: out[i] = Σⱼ softmaxⱼ(scale·q[i]·k[j] + bias[j])·v[j].
 * The L×L score matrix is never stored: eight query rows at a time have their scores in a per-thread
 * buffer while they are scaled, masked, exponentiated and applied to V.
 *
 * <p>The head's Q (pre-scaled), Kᵀ and V are first copied into per-thread heap arrays padded to the
 * vector width with zeros, so both products are pure vector loops: scores accumulate eight query
 * rows × one key vector in registers (one Kᵀ load feeds eight FMAs, in independent chains), and the
 * output accumulates eight rows × one head-dim vector the same way. Padded keys are excluded from the softmax;
 * padded head columns are never written out.
 *
 * <p>{@link ScaledDotProductAttentionReference} is the plain scalar twin the tests compare against.
 */
public final class ScaledDotProductAttention {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int W = F.length();
    /** Query rows computed together. */
    private static final int ROWS = 8;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private ScaledDotProductAttention() {}

    /**
     * @param q, k, v, out [L, d] views with unit stride along d (e.g. one head's columns of the
     *                     packed projections); out is overwritten
     * @param keyBias      null, or L additive terms per key (0 to keep, a huge negative to mask)
     */
    public static void apply(Tensor q, Tensor k, Tensor v, Tensor out, float scale, float[] keyBias) {
        int len = q.dim(0), d = q.dim(1);
        check(q, k, v, out, keyBias);
        if (len == 0 || d == 0) return;
        int lenPad = roundUp(len, W), dPad = roundUp(d, W), rowsPad = roundUp(len, ROWS);
        Scratch s = SCRATCH.get();
        float[] qh = s.q(rowsPad * d), kt = s.kt(d * lenPad), vh = s.v(len * dPad), sc = s.scores(ROWS * lenPad);
        load(q, qh, d, scale, rowsPad);
        loadTransposed(k, kt, lenPad, s.row(d));
        load(v, vh, dPad, 1f, len);

        MemorySegment os = out.segment();
        long oRow = out.stride(0);
        float[] inv = new float[ROWS];
        for (int i0 = 0; i0 < len; i0 += ROWS) {
            // scores of query rows i0..i0+7 against all keys; 8 independent FMA chains hide the FMA latency
            int q0 = i0 * d;
            for (int j = 0; j < lenPad; j += W) {
                FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
                for (int c = 0, qc = q0; c < d; c++, qc++) {
                    FloatVector kv = FloatVector.fromArray(F, kt, c * lenPad + j);
                    a0 = kv.fma(FloatVector.broadcast(F, qh[qc]), a0);
                    a1 = kv.fma(FloatVector.broadcast(F, qh[qc + 1 * d]), a1);
                    a2 = kv.fma(FloatVector.broadcast(F, qh[qc + 2 * d]), a2);
                    a3 = kv.fma(FloatVector.broadcast(F, qh[qc + 3 * d]), a3);
                    a4 = kv.fma(FloatVector.broadcast(F, qh[qc + 4 * d]), a4);
                    a5 = kv.fma(FloatVector.broadcast(F, qh[qc + 5 * d]), a5);
                    a6 = kv.fma(FloatVector.broadcast(F, qh[qc + 6 * d]), a6);
                    a7 = kv.fma(FloatVector.broadcast(F, qh[qc + 7 * d]), a7);
                }
                a0.intoArray(sc, j);
                a1.intoArray(sc, lenPad + j);
                a2.intoArray(sc, 2 * lenPad + j);
                a3.intoArray(sc, 3 * lenPad + j);
                a4.intoArray(sc, 4 * lenPad + j);
                a5.intoArray(sc, 5 * lenPad + j);
                a6.intoArray(sc, 6 * lenPad + j);
                a7.intoArray(sc, 7 * lenPad + j);
            }
            for (int r = 0; r < ROWS; r++) inv[r] = softmaxNumerator(sc, r * lenPad, len, keyBias);
            // out rows i0..i0+7 = probabilities · V, one head-dim vector at a time
            for (int c = 0; c < dPad; c += W) {
                FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
                for (int j = 0; j < len; j++) {
                    FloatVector vv = FloatVector.fromArray(F, vh, j * dPad + c);
                    a0 = vv.fma(FloatVector.broadcast(F, sc[j]), a0);
                    a1 = vv.fma(FloatVector.broadcast(F, sc[lenPad + j]), a1);
                    a2 = vv.fma(FloatVector.broadcast(F, sc[2 * lenPad + j]), a2);
                    a3 = vv.fma(FloatVector.broadcast(F, sc[3 * lenPad + j]), a3);
                    a4 = vv.fma(FloatVector.broadcast(F, sc[4 * lenPad + j]), a4);
                    a5 = vv.fma(FloatVector.broadcast(F, sc[5 * lenPad + j]), a5);
                    a6 = vv.fma(FloatVector.broadcast(F, sc[6 * lenPad + j]), a6);
                    a7 = vv.fma(FloatVector.broadcast(F, sc[7 * lenPad + j]), a7);
                }
                long at = out.offset() + i0 * oRow + c;
                store(a0.mul(inv[0]), os, at, d - c);
                if (i0 + 1 < len) store(a1.mul(inv[1]), os, at + 1 * oRow, d - c);
                if (i0 + 2 < len) store(a2.mul(inv[2]), os, at + 2 * oRow, d - c);
                if (i0 + 3 < len) store(a3.mul(inv[3]), os, at + 3 * oRow, d - c);
                if (i0 + 4 < len) store(a4.mul(inv[4]), os, at + 4 * oRow, d - c);
                if (i0 + 5 < len) store(a5.mul(inv[5]), os, at + 5 * oRow, d - c);
                if (i0 + 6 < len) store(a6.mul(inv[6]), os, at + 6 * oRow, d - c);
                if (i0 + 7 < len) store(a7.mul(inv[7]), os, at + 7 * oRow, d - c);
            }
        }
    }

    /** Writes the first min(W, left) lanes of o at element index {@code at}. */
    private static void store(FloatVector o, MemorySegment seg, long at, int left) {
        if (left >= W) {
            o.intoMemorySegment(seg, at * Float.BYTES, LE);
        } else {
            for (int x = 0; x < left; x++) seg.setAtIndex(Tensor.F32, at + x, o.lane(x));
        }
    }

    /**
     * Replaces scores[from, from+len) by exp(score + bias − max) and returns 1/Σ. Entries past len
     * (padding) are set to 0 so the V product can run over whole vectors.
     */
    private static float softmaxNumerator(float[] sc, int from, int len, float[] bias) {
        if (bias != null) {
            for (int j = 0; j < len; j++) sc[from + j] += bias[j];
        }
        int bound = F.loopBound(len);
        FloatVector vmax = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        int j = 0;
        for (; j < bound; j += W) vmax = vmax.max(FloatVector.fromArray(F, sc, from + j));
        float max = vmax.reduceLanes(VectorOperators.MAX);
        for (; j < len; j++) max = Math.max(max, sc[from + j]);
        FloatVector vsum = FloatVector.zero(F);
        for (j = 0; j < bound; j += W) {
            FloatVector e = FloatVector.fromArray(F, sc, from + j).sub(max).lanewise(VectorOperators.EXP);
            e.intoArray(sc, from + j);
            vsum = vsum.add(e);
        }
        float sum = vsum.reduceLanes(VectorOperators.ADD);
        for (; j < len; j++) {
            sc[from + j] = (float) Math.exp(sc[from + j] - max);
            sum += sc[from + j];
        }
        return 1f / sum;
    }

    /** Copies x [L, d] row-major into dst with row pitch {@code pitch}, times {@code scale}, zero rows up to {@code rows}. */
    private static void load(Tensor x, float[] dst, int pitch, float scale, int rows) {
        int len = x.dim(0), d = x.dim(1), bound = F.loopBound(d);
        MemorySegment seg = x.segment();
        java.util.Arrays.fill(dst, 0, rows * pitch, 0f);
        for (int i = 0; i < len; i++) {
            long base = x.offset() + i * x.stride(0);
            int c = 0;
            for (; c < bound; c += W) {
                FloatVector.fromMemorySegment(F, seg, (base + c) * Float.BYTES, LE).mul(scale).intoArray(dst, i * pitch + c);
            }
            for (; c < d; c++) dst[i * pitch + c] = seg.getAtIndex(Tensor.F32, base + c) * scale;
        }
    }

    /** Copies x [L, d] into dst as [d, pitch] (transposed), zero columns from L to pitch; {@code row} is scratch of d floats. */
    private static void loadTransposed(Tensor x, float[] dst, int pitch, float[] row) {
        int len = x.dim(0), d = x.dim(1);
        MemorySegment seg = x.segment();
        for (int c = 0; c < d; c++) java.util.Arrays.fill(dst, c * pitch + len, (c + 1) * pitch, 0f);
        for (int j = 0; j < len; j++) {
            MemorySegment.copy(seg, Tensor.F32, (x.offset() + j * x.stride(0)) * Float.BYTES, row, 0, d);
            for (int c = 0; c < d; c++) dst[c * pitch + j] = row[c];
        }
    }

    private static int roundUp(int n, int m) {
        return (n + m - 1) / m * m;
    }

    static void check(Tensor q, Tensor k, Tensor v, Tensor out, float[] keyBias) {
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
        if (keyBias != null && keyBias.length < len) {
            throw new IllegalArgumentException("attention key bias has " + keyBias.length + " entries for " + len + " keys");
        }
    }

    /** Per-thread buffers, grown on demand. */
    private static final class Scratch {
        private float[] q = new float[0], kt = new float[0], v = new float[0], scores = new float[0], row = new float[0];

        float[] q(int n) { return q.length >= n ? q : (q = new float[n]); }

        float[] kt(int n) { return kt.length >= n ? kt : (kt = new float[n]); }

        float[] v(int n) { return v.length >= n ? v : (v = new float[n]); }

        float[] scores(int n) { return scores.length >= n ? scores : (scores = new float[n]); }

        float[] row(int n) { return row.length >= n ? row : (row = new float[n]); }
    }
}
