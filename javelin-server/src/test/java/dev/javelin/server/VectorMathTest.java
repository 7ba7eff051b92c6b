package dev.javelin.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The route post-processing against direct formulas. */
class VectorMathTest {
    private static final float EPS = 1e-6f;

    @Test
    void normalisedVectorsHaveUnitLengthAndKeepDirection() {
        SplittableRandom random = new SplittableRandom(7);
        for (int n : new int[] {1, 3, 384}) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = (float) random.nextDouble(-3, 3);
            }
            float[] u = VectorMath.normalized(v);
            double norm = 0;
            for (float x : u) {
                norm += x * x;
            }
            assertThat(Math.sqrt(norm)).isCloseTo(1.0, within(1e-6));
            assertThat(VectorMath.cosine(u, v)).isCloseTo(1f, within(EPS));
        }
        assertThat(VectorMath.normalized(new float[] {0, 0})).containsExactly(0, 0);
    }

    @Test
    void probabilitiesAreSoftmaxOrTheSigmoidOfALoneLogit() {
        float[] p = VectorMath.probabilities(new float[] {1, 2, 3});
        double den = Math.exp(1) + Math.exp(2) + Math.exp(3);
        assertThat(p[0]).isCloseTo((float) (Math.exp(1) / den), within(EPS));
        assertThat(p[2]).isCloseTo((float) (Math.exp(3) / den), within(EPS));
        assertThat(p[0] + p[1] + p[2]).isCloseTo(1f, within(EPS));
        // Large logits must not overflow.
        assertThat(VectorMath.probabilities(new float[] {1000, 0})).containsExactly(1f, 0f);
        assertThat(VectorMath.probabilities(new float[] {0})).containsExactly(0.5f);
        assertThat(VectorMath.sigmoid(2)).isCloseTo((float) (1 / (1 + Math.exp(-2))), within(EPS));
    }

    @Test
    void cosineOfKnownPairs() {
        assertThat(VectorMath.cosine(new float[] {1, 0}, new float[] {0, 1})).isCloseTo(0f, within(EPS));
        assertThat(VectorMath.cosine(new float[] {1, 1}, new float[] {-2, -2})).isCloseTo(-1f, within(EPS));
        assertThat(VectorMath.cosine(new float[] {3, 4}, new float[] {4, 3})).isCloseTo(24f / 25f, within(EPS));
    }
}
