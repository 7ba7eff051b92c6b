package dev.javelin.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Post-processing arithmetic against direct formulas. */
class VectorsTest {
    private static final float EPS = 1e-6f;

    @Test
    void normalisedVectorsHaveUnitLengthKeepDirectionAndLeaveTheInputAlone() {
        SplittableRandom random = new SplittableRandom(7);
        for (int n : new int[] {1, 3, 384}) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) v[i] = (float) random.nextDouble(-3, 3);
            float[] copy = v.clone();
            float[] u = Vectors.normalized(v);
            double norm = 0;
            for (float x : u) norm += x * x;
            assertThat(Math.sqrt(norm)).isCloseTo(1.0, within(1e-6));
            assertThat(Vectors.cosine(u, v)).isCloseTo(1f, within(EPS));
            assertThat(v).containsExactly(copy);
        }
        assertThat(Vectors.normalized(new float[] {0, 0})).containsExactly(0, 0);
    }

    @Test
    void truncationKeepsTheMatryoshkaPrefix() {
        float[] v = {1, 2, 3, 4};
        assertThat(Vectors.truncated(v, 2)).containsExactly(1, 2);
        assertThat(Vectors.truncated(v, 4)).isSameAs(v);
        assertThat(Vectors.truncated(v, 9)).isSameAs(v);
    }

    @Test
    void cosineOfKnownPairs() {
        assertThat(Vectors.cosine(new float[] {1, 0}, new float[] {0, 1})).isCloseTo(0f, within(EPS));
        assertThat(Vectors.cosine(new float[] {1, 1}, new float[] {-2, -2})).isCloseTo(-1f, within(EPS));
        assertThat(Vectors.cosine(new float[] {3, 4}, new float[] {4, 3})).isCloseTo(24f / 25f, within(EPS));
        assertThat(Vectors.cosine(new float[] {0, 0}, new float[] {4, 3})).isZero();
        assertThatThrownBy(() -> Vectors.cosine(new float[2], new float[3])).hasMessageContaining("width 2 and 3");
    }

    @Test
    void scoreFunctionsFollowProblemType() {
        float[] p = ScoreFunction.SOFTMAX.apply(new float[] {1, 2, 3});
        double den = Math.exp(1) + Math.exp(2) + Math.exp(3);
        assertThat(p[0]).isCloseTo((float) (Math.exp(1) / den), within(EPS));
        assertThat(p[0] + p[1] + p[2]).isCloseTo(1f, within(EPS));
        // Large logits must not overflow.
        assertThat(ScoreFunction.SOFTMAX.apply(new float[] {1000, 0})).containsExactly(1f, 0f);
        assertThat(ScoreFunction.SIGMOID.apply(new float[] {0, 2})).containsExactly(0.5f, (float) (1 / (1 + Math.exp(-2))));
        assertThat(ScoreFunction.NONE.apply(new float[] {-7, 7})).containsExactly(-7, 7);

        assertThat(ScoreFunction.defaultFor("multi_label_classification", 3)).isEqualTo(ScoreFunction.SIGMOID);
        assertThat(ScoreFunction.defaultFor("single_label_classification", 3)).isEqualTo(ScoreFunction.SOFTMAX);
        assertThat(ScoreFunction.defaultFor("regression", 1)).isEqualTo(ScoreFunction.NONE);
        assertThat(ScoreFunction.defaultFor(null, 1)).isEqualTo(ScoreFunction.SIGMOID);
        assertThat(ScoreFunction.defaultFor(null, 2)).isEqualTo(ScoreFunction.SOFTMAX);
    }
}
