package dev.javelin.kernels;

import dev.javelin.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * Softmax self-attention for training on a packed batch: sequences laid end to end in [T, H] rows
 * (no padding, so no mask), H split into heads. The forward pass keeps every (sequence, head)'s
 * probability matrix P for the backward pass, which is the standard chain:
 * dV = Pᵀ·dO, dP = dO·Vᵀ, dS = P ∘ (dP − rowsum(P ∘ dP)), dQ = dS·K/√d, dK = dSᵀ·Q/√d.
 *
 * <p>Attention-probability dropout, where Hugging Face applies it ({@code dropout(attention_probs)}
 * before the product with V): out = (P ∘ M)·V with M a stateless {@link Dropout} mask scaled by
 * 1/(1 − p), so P ∘ M replaces P in dV and dP ∘ M replaces dP in the softmax's chain rule. The mask of
 * element (i, j) of task t is drawn from (seed, t·2³² + i·L + j): it depends on neither the thread
 * count nor the batch's other sequences' lengths, and the backward pass redraws it instead of storing it.
 *
 * <p>One task per (sequence, head) on the shared {@link ComputePool}: each writes only its own rows
 * and columns, so tasks never share an output element and results do not depend on scheduling.
 * Sequences here are short (sentences); the L×L work per head is small next to the projections.
 */
public final class PackedAttentionGrad {
    private PackedAttentionGrad() {}

    /**
     * out = dropout(softmax(Q·Kᵀ/√d))·V per sequence and head; returns P before dropout per task (index
     * sequence·heads + head, L×L row-major). {@code dropout} 0 keeps every probability.
     */
    public static float[][] forward(Tensor q, Tensor k, Tensor v, int[] starts, int[] lengths, int heads, float dropout, long seed,
                                    Tensor out) {
        Layout l = Layout.of(q, starts, lengths, heads, k, v, out);
        long threshold = Dropout.threshold(dropout);
        float keepScale = 1 / (1 - dropout);
        float[][] probs = new float[starts.length * heads][];
        ComputePool.shared().parallelFor(probs.length, task -> {
            int s = task / heads, h = task % heads, len = lengths[s], d = l.d;
            float[] qh = l.load(q, starts[s], len, h), kh = l.load(k, starts[s], len, h), vh = l.load(v, starts[s], len, h);
            float[] p = new float[len * len];
            for (int i = 0; i < len; i++) {
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < len; j++) {
                    float dot = 0;
                    for (int c = 0; c < d; c++) dot += qh[i * d + c] * kh[j * d + c];
                    p[i * len + j] = dot * l.scale;
                    max = Math.max(max, p[i * len + j]);
                }
                float sum = 0;
                for (int j = 0; j < len; j++) {
                    p[i * len + j] = (float) Math.exp(p[i * len + j] - max);
                    sum += p[i * len + j];
                }
                float inv = 1 / sum;
                for (int j = 0; j < len; j++) p[i * len + j] *= inv;
            }
            float[] o = new float[len * d];
            for (int i = 0; i < len; i++) {
                for (int j = 0; j < len; j++) {
                    float pij = p[i * len + j] * mask(seed, task, i, j, len, threshold, keepScale);
                    for (int c = 0; c < d; c++) o[i * d + c] += pij * vh[j * d + c];
                }
            }
            l.store(out, o, starts[s], len, h);
            probs[task] = p;
        });
        return probs;
    }

    /** Writes dQ, dK, dV (all [T, H]) from dOut and the forward's Q, K, V, P, dropout and seed. */
    public static void backward(Tensor q, Tensor k, Tensor v, float[][] probs, Tensor dOut, int[] starts, int[] lengths,
                                int heads, float dropout, long seed, Tensor dq, Tensor dk, Tensor dv) {
        Layout l = Layout.of(q, starts, lengths, heads, k, v, dOut, dq, dk, dv);
        long threshold = Dropout.threshold(dropout);
        float keepScale = 1 / (1 - dropout);
        if (probs.length != starts.length * heads) {
            throw new IllegalArgumentException("attention backward: " + probs.length + " probability matrices for "
                    + starts.length + " sequences × " + heads + " heads");
        }
        ComputePool.shared().parallelFor(probs.length, task -> {
            int s = task / heads, h = task % heads, len = lengths[s], d = l.d;
            float[] qh = l.load(q, starts[s], len, h), kh = l.load(k, starts[s], len, h), vh = l.load(v, starts[s], len, h);
            float[] doh = l.load(dOut, starts[s], len, h), p = probs[task];
            float[] dvh = new float[len * d], dqh = new float[len * d], dkh = new float[len * d];
            float[] ds = new float[len];
            for (int i = 0; i < len; i++) {
                float rowDot = 0;
                for (int j = 0; j < len; j++) {
                    float m = mask(seed, task, i, j, len, threshold, keepScale), kept = p[i * len + j] * m, dp = 0;
                    for (int c = 0; c < d; c++) {
                        dp += doh[i * d + c] * vh[j * d + c];
                        dvh[j * d + c] += kept * doh[i * d + c];
                    }
                    ds[j] = dp * m;
                    rowDot += p[i * len + j] * ds[j];
                }
                for (int j = 0; j < len; j++) {
                    float g = p[i * len + j] * (ds[j] - rowDot) * l.scale;
                    for (int c = 0; c < d; c++) {
                        dqh[i * d + c] += g * kh[j * d + c];
                        dkh[j * d + c] += g * qh[i * d + c];
                    }
                }
            }
            l.store(dq, dqh, starts[s], len, h);
            l.store(dk, dkh, starts[s], len, h);
            l.store(dv, dvh, starts[s], len, h);
        });
    }

    /** The dropout factor of probability (i, j) of task {@code task}: 0 when dropped, 1/(1 − p) when kept; 1 without dropout. */
    static float mask(long seed, int task, int i, int j, int len, long threshold, float keepScale) {
        if (threshold == 0) return 1f;
        return Dropout.kept(seed, ((long) task << 32) + (long) i * len + j, threshold) ? keepScale : 0f;
    }

    /** Shapes of one call, checked once: T rows of H = heads·d, every tensor contiguous. */
    private record Layout(int t, int hidden, int d, float scale) {
        static Layout of(Tensor q, int[] starts, int[] lengths, int heads, Tensor... others) {
            MatMul.requireRank("attention Q", q, 2);
            int t = q.dim(0), hidden = q.dim(1);
            if (heads < 1 || hidden % heads != 0) {
                throw new IllegalArgumentException("attention: hidden size " + hidden + " is not a multiple of " + heads + " heads");
            }
            q.requireContiguous("attention Q");
            for (Tensor o : others) o.requireShape("attention operand", t, hidden).requireContiguous("attention operand");
            if (starts.length != lengths.length) throw new IllegalArgumentException("attention: starts and lengths differ in count");
            long total = 0;
            for (int s = 0; s < starts.length; s++) {
                if (lengths[s] < 1 || starts[s] < 0 || starts[s] + lengths[s] > t) {
                    throw new IllegalArgumentException("attention: sequence " + s + " [" + starts[s] + ", +" + lengths[s]
                            + ") is empty or outside the " + t + " rows");
                }
                total += lengths[s];
            }
            if (total != t) throw new IllegalArgumentException("attention: sequences cover " + total + " of " + t + " rows");
            int d = hidden / heads;
            return new Layout(t, hidden, d, (float) (1 / Math.sqrt(d)));
        }

        /** Head h's columns of rows [start, start + len), as a dense len×d array. */
        float[] load(Tensor x, int start, int len, int h) {
            MemorySegment seg = Simd.shareable(x.segment());
            float[] a = new float[len * d];
            for (int i = 0; i < len; i++) {
                MemorySegment.copy(seg, Tensor.F32, (x.offset() + (long) (start + i) * hidden + (long) h * d) * Float.BYTES, a, i * d, d);
            }
            return a;
        }

        void store(Tensor x, float[] a, int start, int len, int h) {
            MemorySegment seg = Simd.shareable(x.segment());
            for (int i = 0; i < len; i++) {
                MemorySegment.copy(a, i * d, seg, Tensor.F32, (x.offset() + (long) (start + i) * hidden + (long) h * d) * Float.BYTES, d);
            }
        }
    }
}
