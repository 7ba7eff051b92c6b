package dev.javelin.train.linear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SoftmaxObjectiveTest {

    private static final float[][] X = {
        {0f, 1f}, {1f, 0.5f}, {-1f, 2f}, {2f, -1f}, {1.5f, 1.5f},
        {-0.5f, -1f}, {0.25f, 0.125f}, {-2f, 0.5f}, {1f, -2f}, {0f, 0f}};
    private static final int[] Y = {0, 1, 0, 2, 1, 2, 1, 0, 2, 0};

    @Test
    void reachesTheKnownSolution() {
        // Reference: SciPy 1.17 L-BFGS-B (gtol 1e-13) on an independent NumPy implementation of the same
        // objective (features exactly representable as float; mean cross-entropy + 0.05·‖W‖², unpenalised bias), from zero. The bias is determined
        // only up to a shared constant; both start at 0 and gradients keep Σb = 0, so the solutions compare.
        double[] expected = {
            -0.7981837732886146, 0.6171136275304546, 0.5436875103296851, 0.5056557723200258,
            0.25449626295892985, -1.1227693998504802, 0.3152612807877033, -0.08315219670808688,
            -0.23210908407961559};
        SoftmaxObjective objective = new SoftmaxObjective(X, Y, 3, 0.1);
        Lbfgs.Result result = new Lbfgs(10, 1000, 1e-12, 0).minimize(objective, new double[9]);
        assertThat(result.value()).isCloseTo(0.5760911961298317, within(1e-12));
        for (int i = 0; i < expected.length; i++) {
            assertThat(result.x()[i]).as("parameter %d", i).isCloseTo(expected[i], within(1e-9));
        }
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        Random random = new Random(7);
        float[][] x = new float[200][5];
        int[] y = new int[200];
        for (int i = 0; i < x.length; i++) {
            for (int h = 0; h < 5; h++) {
                x[i][h] = (float) random.nextGaussian();
            }
            y[i] = random.nextInt(4);
        }
        SoftmaxObjective objective = new SoftmaxObjective(x, y, 4, 0.03);
        double[] p = new double[SoftmaxObjective.parameterCount(4, 5)];
        for (int i = 0; i < p.length; i++) {
            p[i] = random.nextGaussian();
        }
        double[] g = new double[p.length];
        objective.evaluate(p, g);
        double[] scratch = new double[p.length];
        double eps = 1e-6;
        for (int i = 0; i < p.length; i++) {
            double[] plus = p.clone();
            double[] minus = p.clone();
            plus[i] += eps;
            minus[i] -= eps;
            double numeric = (objective.evaluate(plus, scratch) - objective.evaluate(minus, scratch)) / (2 * eps);
            // Central differences in double: error O(eps²) plus rounding ~1e-10/eps.
            assertThat(g[i]).as("∂f/∂p%d", i).isCloseTo(numeric, within(1e-7));
        }
    }
}
