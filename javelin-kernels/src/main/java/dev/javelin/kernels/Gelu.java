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
 *
 * <p>A vector of GELU is ~45 vector operations, and on Zen 4 they run at about the rate of its
 * FMA pipes, so the evaluation order saves operations and shortens the dependency chain
 * (docs/kernels.md, "GELU", has the measurements):
 * <ul>
 *   <li>The division yields s = t/2 = ½/(1 + w/2) directly, so ½·erfc(w) = s·exp(…) needs no
 *       multiply by ½; P(t) = Σ Cᵢ·(2s)ⁱ is evaluated in s with the coefficients Cᵢ·2ⁱ, which
 *       scaling by a power of two leaves exact.
 *   <li>P by Estrin's scheme (pairs joined by s², s⁴, s⁸): three multiplies more than Horner's
 *       rule, but four dependent FMAs instead of nine; measured 7% faster.
 *   <li>The exponent −w² + P = x·(−x/2) + P is one FMA (−x/2 is exact), so it is rounded once;
 *       forming w and w² first rounded three times, and exp turns the exponent's absolute error
 *       into relative error of the result, which grows with x².
 * </ul>
 * Against float64 erfc over a dense sweep of x, the relative error is at most 3.8e-7 for
 * |x| ≤ 1, 8.3e-7 for |x| ≤ 4, 2.1e-6 down to x = −8 and 4.2e-6 down to −13 (the exponent's one
 * rounding grows with x²); the absolute error at most 3.9e-7. Results below ~1.4e-38
 * (x &lt; −13.1) flush to zero.
 */
public final class Gelu {
    private Gelu() {}

    /** 1 + w/2 = 1 + |x|·(1/(2√2)). */
    private static final float HALF_INV_SQRT2 = (float) (0.5 / Math.sqrt(2));
    /** Numerical Recipes' coefficients Cᵢ of tⁱ, times 2ⁱ: the coefficients of sⁱ, s = t/2. */
    private static final float S0 = -1.26551223f;
    private static final float S1 = 1.00002368f * 2;
    private static final float S2 = 0.37409196f * 4;
    private static final float S3 = 0.09678418f * 8;
    private static final float S4 = -0.18628806f * 16;
    private static final float S5 = 0.27886807f * 32;
    private static final float S6 = -1.13520398f * 64;
    private static final float S7 = 1.48851587f * 128;
    private static final float S8 = -0.82215223f * 256;
    private static final float S9 = 0.17087277f * 512;

    public static void apply(Tensor x) {
        Rows.requireContiguousRows("Gelu.apply", x);
        MemorySegment seg = Simd.shareable(x.segment());
        int n = Rows.rowLength(x);
        Rows.forEach(x, row -> row(seg, x.rowOffset(row) * Float.BYTES, n));
    }

    /**
     * The vector math is written out in the loop: moved into a helper taking a FloatVector, C2
     * declines to inline it (too big) and boxes every vector, 200× slower. The tail runs
     * {@link #gelu(float)}, which performs the same float operations in the same order, so an
     * element's value does not depend on whether it falls in a vector or in the tail.
     */
    static void row(MemorySegment seg, long base, int n) {
        FloatVector one = FloatVector.broadcast(F, 1f);
        FloatVector half = FloatVector.broadcast(F, 0.5f);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            long at = base + (long) i * Float.BYTES;
            FloatVector x = FloatVector.fromMemorySegment(F, seg, at, LE);
            FloatVector s = half.div(x.abs().fma(HALF_INV_SQRT2, 1f));
            FloatVector s2 = s.mul(s), s4 = s2.mul(s2), s8 = s4.mul(s4);
            FloatVector p03 = s.fma(S3, S2).fma(s2, s.fma(S1, S0));
            FloatVector p47 = s.fma(S7, S6).fma(s2, s.fma(S5, S4));
            FloatVector p = s.fma(S9, S8).fma(s8, p47.fma(s4, p03));
            // the exponent, ln(erfc(w)/t), is at most ~0 (erfc(w) ≤ t), or NaN: exp's overflow test never fires
            FloatVector halfErfc = s.mul(Exp.expNoOverflow(x.mul(-0.5f).fma(x, p)));
            VectorMask<Float> positive = x.compare(VectorOperators.GE, 0f);
            x.mul(halfErfc.blend(one.sub(halfErfc), positive)).intoMemorySegment(seg, at, LE);
        }
        for (; i < n; i++) {
            long at = base + (long) i * Float.BYTES;
            seg.set(Tensor.F32, at, gelu(seg.get(Tensor.F32, at)));
        }
    }

    static float gelu(float x) {
        float s = 0.5f / Math.fma(Math.abs(x), HALF_INV_SQRT2, 1f);
        float s2 = s * s, s4 = s2 * s2, s8 = s4 * s4;
        float p03 = Math.fma(Math.fma(s, S3, S2), s2, Math.fma(s, S1, S0));
        float p47 = Math.fma(Math.fma(s, S7, S6), s2, Math.fma(s, S5, S4));
        float p = Math.fma(Math.fma(s, S9, S8), s8, Math.fma(p47, s4, p03));
        float halfErfc = s * Exp.exp(Math.fma(x * -0.5f, x, p));
        return x * (x >= 0 ? 1f - halfErfc : halfErfc);
    }
}
