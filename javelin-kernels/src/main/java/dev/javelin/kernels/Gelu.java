package dev.javelin.kernels;

import static dev.javelin.kernels.Simd.F;
import static dev.javelin.kernels.Simd.LE;

import dev.javelin.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Exact GELU, x·Φ(x) = ½·x·(1 + erf(x/√2)), in place — BERT's activation (not the tanh approximation).
 *
 * <p>The JDK has no erf, scalar or vector, so erf comes from Abramowitz &amp; Stegun 7.1.26:
 * erf(z) = 1 − t·(a1 + t·(a2 + t·(a3 + t·(a4 + t·a5))))·e^(−z²), t = 1/(1 + p·z), for z ≥ 0, odd
 * extension for z &lt; 0. Its absolute error is below 1.5e-7, about one float ulp at 1, so the GELU
 * error stays within ~|x|·1e-7 — below what F32 matmuls around it add.
 */
public final class Gelu {
    private Gelu() {}

    private static final float INV_SQRT2 = (float) (1 / Math.sqrt(2));
    private static final float P = 0.3275911f;
    private static final float A1 = 0.254829592f;
    private static final float A2 = -0.284496736f;
    private static final float A3 = 1.421413741f;
    private static final float A4 = -1.453152027f;
    private static final float A5 = 1.061405429f;

    public static void apply(Tensor x) {
        Rows.requireContiguousRows("Gelu.apply", x);
        MemorySegment seg = Simd.shareable(x.segment());
        int n = Rows.rowLength(x);
        Rows.forEach(x, row -> {
            long base = x.rowOffset(row) * Float.BYTES;
            int i = 0;
            for (int bound = F.loopBound(n); i < bound; i += F.length()) {
                long at = base + (long) i * Float.BYTES;
                gelu(FloatVector.fromMemorySegment(F, seg, at, LE)).intoMemorySegment(seg, at, LE);
            }
            for (; i < n; i++) {
                long at = base + (long) i * Float.BYTES;
                seg.set(Tensor.F32, at, gelu(seg.get(Tensor.F32, at)));
            }
        });
    }

    static FloatVector gelu(FloatVector x) {
        FloatVector z = x.mul(INV_SQRT2);
        FloatVector az = z.abs();
        FloatVector t = FloatVector.broadcast(F, 1f).div(az.fma(P, 1f));
        FloatVector poly = t.fma(A5, A4).fma(t, FloatVector.broadcast(F, A3)).fma(t, FloatVector.broadcast(F, A2))
                .fma(t, FloatVector.broadcast(F, A1)).mul(t);
        FloatVector e = az.mul(az).neg().lanewise(VectorOperators.EXP);
        FloatVector erfAbs = poly.mul(e).neg().add(1f);
        // copy z's sign onto erf(|z|): erf is odd
        FloatVector erf = erfAbs.lanewise(VectorOperators.NEG, z.lt(0f));
        return x.mul(0.5f).mul(erf.add(1f));
    }

    static float gelu(float x) {
        float z = x * INV_SQRT2;
        float az = Math.abs(z);
        float t = 1f / Math.fma(az, P, 1f);
        float poly = Math.fma(Math.fma(Math.fma(Math.fma(t, A5, A4), t, A3), t, A2), t, A1) * t;
        float erfAbs = 1f - poly * (float) Math.exp(-az * az);
        float erf = z < 0 ? -erfAbs : erfAbs;
        return 0.5f * x * (1f + erf);
    }
}
