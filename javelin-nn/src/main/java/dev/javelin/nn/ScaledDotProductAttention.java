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
 * The L×L score matrix is never stored; each query row's scores live in a per-thread buffer of L
 * floats while they are scaled, masked, exponentiated and applied to V. K is transposed once per
 * call so the score row is a run of vector FMAs over keys.
 *
 * <p>{@link ScaledDotProductAttentionReference} is the plain scalar twin the tests compare against.
 */
public final class ScaledDotProductAttention {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
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
        Scratch s = SCRATCH.get();
        float[] kt = s.kt(d * len);
        float[] row = s.row(len);
        float[] acc = s.acc(d);

        MemorySegment ks = k.segment(), qs = q.segment(), vs = v.segment(), os = out.segment();
        long kRow = k.stride(0), qRow = q.stride(0), vRow = v.stride(0), oRow = out.stride(0);
        for (int j = 0; j < len; j++) {
            long base = k.offset() + j * kRow;
            for (int c = 0; c < d; c++) kt[c * len + j] = ks.getAtIndex(Tensor.F32, base + c);
        }
        int jBound = F.loopBound(len);
        int cBound = F.loopBound(d);
        for (int i = 0; i < len; i++) {
            long qBase = q.offset() + i * qRow;
            // scores: row[j] = scale·Σc q[i,c]·k[j,c] (+ bias[j])
            float q0 = qs.getAtIndex(Tensor.F32, qBase) * scale;
            FloatVector vq0 = FloatVector.broadcast(F, q0);
            int j = 0;
            for (; j < jBound; j += F.length()) FloatVector.fromArray(F, kt, j).mul(vq0).intoArray(row, j);
            for (; j < len; j++) row[j] = q0 * kt[j];
            for (int c = 1; c < d; c++) {
                float qc = qs.getAtIndex(Tensor.F32, qBase + c) * scale;
                FloatVector vqc = FloatVector.broadcast(F, qc);
                int off = c * len;
                for (j = 0; j < jBound; j += F.length()) {
                    FloatVector.fromArray(F, kt, off + j).fma(vqc, FloatVector.fromArray(F, row, j)).intoArray(row, j);
                }
                for (; j < len; j++) row[j] += qc * kt[off + j];
            }
            if (keyBias != null) {
                for (j = 0; j < jBound; j += F.length()) {
                    FloatVector.fromArray(F, row, j).add(FloatVector.fromArray(F, keyBias, j)).intoArray(row, j);
                }
                for (; j < len; j++) row[j] += keyBias[j];
            }
            // softmax numerator and denominator
            FloatVector vmax = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
            for (j = 0; j < jBound; j += F.length()) vmax = vmax.max(FloatVector.fromArray(F, row, j));
            float max = vmax.reduceLanes(VectorOperators.MAX);
            for (; j < len; j++) max = Math.max(max, row[j]);
            FloatVector vsum = FloatVector.zero(F);
            for (j = 0; j < jBound; j += F.length()) {
                FloatVector e = FloatVector.fromArray(F, row, j).sub(max).lanewise(VectorOperators.EXP);
                e.intoArray(row, j);
                vsum = vsum.add(e);
            }
            float sum = vsum.reduceLanes(VectorOperators.ADD);
            for (; j < len; j++) {
                row[j] = (float) Math.exp(row[j] - max);
                sum += row[j];
            }
            // out[i] = Σj row[j]·v[j] / sum
            Arrays.fill(acc, 0, d, 0f);
            for (j = 0; j < len; j++) {
                float p = row[j];
                if (p == 0f) continue;
                FloatVector vp = FloatVector.broadcast(F, p);
                long vBase = (v.offset() + j * vRow) * Float.BYTES;
                int c = 0;
                for (; c < cBound; c += F.length()) {
                    FloatVector.fromMemorySegment(F, vs, vBase + (long) c * Float.BYTES, LE)
                            .fma(vp, FloatVector.fromArray(F, acc, c)).intoArray(acc, c);
                }
                for (; c < d; c++) acc[c] += p * vs.getAtIndex(Tensor.F32, v.offset() + j * vRow + c);
            }
            float inv = 1f / sum;
            long oBase = (out.offset() + i * oRow) * Float.BYTES;
            int c = 0;
            for (; c < cBound; c += F.length()) {
                FloatVector.fromArray(F, acc, c).mul(inv).intoMemorySegment(os, oBase + (long) c * Float.BYTES, LE);
            }
            for (; c < d; c++) os.setAtIndex(Tensor.F32, out.offset() + i * oRow + c, acc[c] * inv);
        }
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
        private float[] kt = new float[0];
        private float[] row = new float[0];
        private float[] acc = new float[0];

        float[] kt(int n) { return kt.length >= n ? kt : (kt = new float[n]); }

        float[] row(int n) { return row.length >= n ? row : (row = new float[n]); }

        float[] acc(int n) { return acc.length >= n ? acc : (acc = new float[n]); }
    }
}
