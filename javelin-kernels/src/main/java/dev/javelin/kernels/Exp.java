package dev.javelin.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * e^x in float, vector and scalar, from adds, multiplies and FMAs only.
 *
 * <p>Why not {@code lanewise(VectorOperators.EXP)}: C2 compiles it to a vector-math stub while the
 * interpreter and C1 run {@code Math.exp} per lane, and the two differ in the last bit. Outputs
 * then depended on how warm the JIT was — the same text embedded twice in one process could
 * differ. Every operation here is correctly rounded in every tier, so results are reproducible, and
 * the vector and scalar forms agree bit for bit, so a value does not depend on whether it falls in a
 * vector body or a loop tail.
 *
 * <p>Method: x = n·ln2 + r with |r| ≤ ln2/2 (ln2 split in two for an exact product), e^r by a
 * degree-7 polynomial (Cephes' expf coefficients), scaled by 2^n built in the exponent bits.
 * Error ≤ 2 ulp over the normal range (tested against {@link Math#exp}).
 */
public final class Exp {
    private Exp() {}

    /**
     * Above this the result is +∞ (true overflow is at 88.72; the last half-unit is given up so 2^n
     * stays a normal float); below the lower bound e^x is under the smallest normal and becomes 0.
     */
    static final float MAX_ARG = 88.0f;
    static final float MIN_ARG = -87.33654f;
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** 1.5·2²³: adding it rounds a float below 2²² to an integer kept in the low mantissa bits. */
    private static final float ROUNDER = 12582912f;
    private static final float P0 = 1.9875691500e-4f;
    private static final float P1 = 1.3981999507e-3f;
    private static final float P2 = 8.3334519073e-3f;
    private static final float P3 = 4.1665795894e-2f;
    private static final float P4 = 1.6666665459e-1f;
    private static final float P5 = 5.0000001201e-1f;

    /**
     * Lanes outside [{@link #MIN_ARG}, {@link #MAX_ARG}] (and ±∞) are computed as garbage and then
     * replaced by 0 (in {@link #expNoOverflow}) or +∞; NaN stays NaN. They are not clamped first:
     * Java's min and max (NaN and signed zero rules) compile to five instructions each, a third of
     * the function, and clamping changes no lane that the blends keep.
     */
    public static FloatVector exp(FloatVector x) {
        return expNoOverflow(x).blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, MAX_ARG));
    }

    /**
     * {@link #exp(FloatVector)} for lanes x ≤ {@link #MAX_ARG} (or NaN), without the test for
     * overflow, bit for bit the same there: a softmax's exponents x − max are ≤ 0. Larger lanes
     * give garbage. It saves a compare and a blend of ~20 vector operations.
     */
    public static FloatVector expNoOverflow(FloatVector x) {
        FloatVector shifted = x.fma(FloatVector.broadcast(x.species(), LOG2E), FloatVector.broadcast(x.species(), ROUNDER));
        FloatVector n = shifted.sub(ROUNDER);
        FloatVector r = n.fma(bc(x, -LN2_HI), x).add(n.mul(-LN2_LO));
        FloatVector p = r.fma(P0, P1).fma(r, bc(x, P2)).fma(r, bc(x, P3)).fma(r, bc(x, P4)).fma(r, bc(x, P5));
        FloatVector er = p.mul(r).fma(r, r).add(1f);
        IntVector bits = (IntVector) shifted.reinterpretAsInts();
        FloatVector scale = (FloatVector) bits.sub(Float.floatToRawIntBits(ROUNDER) - 127)
                .lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector y = er.mul(scale);
        VectorMask<Float> under = x.compare(VectorOperators.LT, MIN_ARG);
        return y.blend(0f, under);
    }

    public static float exp(float x) {
        if (x < MIN_ARG) return 0f;
        if (x > MAX_ARG) return Float.POSITIVE_INFINITY;
        if (Float.isNaN(x)) return x;
        float shifted = Math.fma(x, LOG2E, ROUNDER);
        float n = shifted - ROUNDER;
        float r = Math.fma(n, -LN2_HI, x) + n * -LN2_LO;
        float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(r, P0, P1), r, P2), r, P3), r, P4), r, P5);
        float er = Math.fma(p * r, r, r) + 1f;
        float scale = Float.intBitsToFloat((Float.floatToRawIntBits(shifted) - (Float.floatToRawIntBits(ROUNDER) - 127)) << 23);
        return er * scale;
    }

    private static FloatVector bc(FloatVector like, float v) {
        return FloatVector.broadcast(like.species(), v);
    }
}
