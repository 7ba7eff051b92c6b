package dev.javelin.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

class ExpTest {
    private static final int W = FloatVector.SPECIES_PREFERRED.length();

    @Test
    void withinTwoUlpOfMathExpOverTheNormalRange() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            float x = (float) random.nextDouble(Exp.MIN_ARG, Exp.MAX_ARG);
            float expected = (float) Math.exp(x);
            assertThat(Math.abs(Exp.exp(x) - expected)).as("exp(%s)", x).isLessThanOrEqualTo(2 * Math.ulp(expected));
        }
    }

    @Test
    void vectorAndScalarFormsAgreeBitForBit() {
        SplittableRandom random = new SplittableRandom(11);
        float[] in = new float[W];
        float[] out = new float[W];
        for (int i = 0; i < 20_000; i++) {
            for (int l = 0; l < W; l++) in[l] = (float) random.nextDouble(-120, 100);
            Exp.exp(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, in, 0)).intoArray(out, 0);
            for (int l = 0; l < W; l++) {
                assertThat(Float.floatToIntBits(out[l])).as("exp(%s)", in[l]).isEqualTo(Float.floatToIntBits(Exp.exp(in[l])));
            }
        }
    }

    @Test
    void withoutTheOverflowTestItIsExpUpToMaxArg() {
        SplittableRandom random = new SplittableRandom(12);
        float[] in = new float[W];
        float[] special = {Float.NEGATIVE_INFINITY, -Float.MAX_VALUE, -1000f, Exp.MIN_ARG, -0f, 0f, Exp.MAX_ARG, Float.NaN};
        for (int i = 0; i < 20_000; i++) {
            for (int l = 0; l < W; l++) {
                in[l] = l < special.length && i == 0 ? special[l] : (float) random.nextDouble(-120, Exp.MAX_ARG);
            }
            FloatVector x = FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, in, 0);
            FloatVector got = Exp.expNoOverflow(x), want = Exp.exp(x);
            for (int l = 0; l < W; l++) {
                assertThat(Float.floatToIntBits(got.lane(l))).as("exp(%s)", in[l]).isEqualTo(Float.floatToIntBits(want.lane(l)));
            }
        }
    }

    @Test
    void specialValues() {
        float[] in = {Float.NEGATIVE_INFINITY, -1000f, 0f, -0f, 100f, Float.POSITIVE_INFINITY, Float.NaN};
        float[] expected = {0f, 0f, 1f, 1f, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY, Float.NaN};
        for (int i = 0; i < in.length; i++) {
            assertThat(Float.floatToIntBits(Exp.exp(in[i]))).as("exp(%s)", in[i]).isEqualTo(Float.floatToIntBits(expected[i]));
            float[] lanes = new float[W];
            java.util.Arrays.fill(lanes, in[i]);
            float v = Exp.exp(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, lanes, 0)).lane(0);
            assertThat(Float.floatToIntBits(v)).as("vector exp(%s)", in[i]).isEqualTo(Float.floatToIntBits(expected[i]));
        }
    }
}
