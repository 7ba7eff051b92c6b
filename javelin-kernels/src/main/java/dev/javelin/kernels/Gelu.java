package dev.javelin.kernels;

import static dev.javelin.kernels.Simd.F;
import static dev.javelin.kernels.Simd.LE;

import dev.javelin.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Exact GELU, x·Φ(x) = ½·x·erfc(−x/√2), in place — BERT's activation (not the tanh approximation).
 *
 * <p>The JDK has no erf, scalar or vector. We evaluate erfc(w), w = |x|/√2, with the Chebyshev
 * fit of Numerical Recipes §6.2 (erfcc): erfc(w) = t·exp(−w² + P(t)), t = 1/(1 + w/2), P of degree
 * 9, fractional error below 1.2e-7 for every w ≥ 0. Then Φ(x) = ½·erfc(w) for x &lt; 0 and
 * 1 − ½·erfc(w) for x ≥ 0. Working with erfc instead of 1 + erf keeps the negative tail accurate
 * in relative terms, where 1 + erf would cancel.
 */
public final class Gelu {
    private Gelu() {}

    private static final float INV_SQRT2 = (float) (1 / Math.sqrt(2));
    private static final float C0 = -1.26551223f;
    private static final float C1 = 1.00002368f;
    private static final float C2 = 0.37409196f;
    private static final float C3 = 0.09678418f;
    private static final float C4 = -0.18628806f;
    private static final float C5 = 0.27886807f;
    private static final float C6 = -1.13520398f;
    private static final float C7 = 1.48851587f;
    private static final float C8 = -0.82215223f;
    private static final float C9 = 0.17087277f;

    public static void apply(Tensor x) {
        Rows.requireContiguousRows("Gelu.apply", x);
        MemorySegment seg = Simd.shareable(x.segment());
        int n = Rows.rowLength(x);
        Rows.forEach(x, row -> row(seg, x.rowOffset(row) * Float.BYTES, n));
    }

    /**
     * The vector math is written out in the loop: moved into a helper taking a FloatVector, C2
     * declines to inline it (too big) and boxes every vector, 200× slower.
     */
    static void row(MemorySegment seg, long base, int n) {
        FloatVector one = FloatVector.broadcast(F, 1f);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            long at = base + (long) i * Float.BYTES;
            FloatVector x = FloatVector.fromMemorySegment(F, seg, at, LE);
            FloatVector w = x.abs().mul(INV_SQRT2);
            FloatVector t = one.div(w.fma(0.5f, 1f));
            FloatVector p = t.fma(C9, C8).fma(t, FloatVector.broadcast(F, C7)).fma(t, FloatVector.broadcast(F, C6))
                    .fma(t, FloatVector.broadcast(F, C5)).fma(t, FloatVector.broadcast(F, C4))
                    .fma(t, FloatVector.broadcast(F, C3)).fma(t, FloatVector.broadcast(F, C2))
                    .fma(t, FloatVector.broadcast(F, C1)).fma(t, FloatVector.broadcast(F, C0));
            FloatVector halfErfc = t.mul(Exp.exp(w.mul(w).neg().add(p))).mul(0.5f);
            VectorMask<Float> positive = x.compare(VectorOperators.GE, 0f);
            x.mul(halfErfc.blend(one.sub(halfErfc), positive)).intoMemorySegment(seg, at, LE);
        }
        for (; i < n; i++) {
            long at = base + (long) i * Float.BYTES;
            seg.set(Tensor.F32, at, gelu(seg.get(Tensor.F32, at)));
        }
    }

    static float gelu(float x) {
        float w = Math.abs(x) * INV_SQRT2;
        float t = 1f / Math.fma(w, 0.5f, 1f);
        float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(
                t, C9, C8), t, C7), t, C6), t, C5), t, C4), t, C3), t, C2), t, C1), t, C0);
        float halfErfc = 0.5f * t * Exp.exp(p - w * w);
        return x * (x >= 0 ? 1f - halfErfc : halfErfc);
    }
}
