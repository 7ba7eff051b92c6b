package dev.javelin.train.linear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LbfgsTest {

    /** Rosenbrock's banana valley in n dimensions: minimum 0 at (1, …, 1), notoriously ill-conditioned. */
    private static double rosenbrock(double[] x, double[] g) {
        double f = 0;
        java.util.Arrays.fill(g, 0);
        for (int i = 0; i + 1 < x.length; i++) {
            double a = x[i + 1] - x[i] * x[i];
            double b = 1 - x[i];
            f += 100 * a * a + b * b;
            g[i] += -400 * x[i] * a - 2 * b;
            g[i + 1] += 200 * a;
        }
        return f;
    }

    @Test
    void findsTheRosenbrockMinimum() {
        for (int n : new int[] {2, 10}) {
            double[] start = new double[n];
            for (int i = 0; i < n; i++) {
                start[i] = i % 2 == 0 ? -1.2 : 1;
            }
            Lbfgs.Result result = new Lbfgs(10, 2000, 1e-9, 0).minimize(LbfgsTest::rosenbrock, start);
            assertThat(result.converged()).as("n=%d", n).isTrue();
            for (double xi : result.x()) {
                assertThat(xi).isCloseTo(1, within(1e-7));
            }
            assertThat(result.value()).isLessThan(1e-14);
        }
    }

    @Test
    void solvesAQuadraticExactly() {
        // f(x) = ½ xᵀAx − bᵀx with A = diag(1..50) (condition number 50): minimiser x_i = b_i / A_ii.
        int n = 50;
        double[] b = new double[n];
        for (int i = 0; i < n; i++) {
            b[i] = Math.sin(i + 1);
        }
        Lbfgs.Objective quadratic = (x, g) -> {
            double f = 0;
            for (int i = 0; i < n; i++) {
                double a = i + 1;
                f += 0.5 * a * x[i] * x[i] - b[i] * x[i];
                g[i] = a * x[i] - b[i];
            }
            return f;
        };
        // |x_i − x*_i| = |g_i| / A_ii, so the gradient tolerance bounds the error. Below ~1e-7 the decrease
        // of f (≈ g²/A) drops under the rounding of f ≈ −1.25 and no line search can see progress.
        Lbfgs.Result result = new Lbfgs(5, 500, 2e-7, 0).minimize(quadratic, new double[n]);
        assertThat(result.converged()).as(result.toString()).isTrue();
        for (int i = 0; i < n; i++) {
            assertThat(result.x()[i]).isCloseTo(b[i] / (i + 1), within(2e-7));
        }
    }

    @Test
    void cubicInterpolationFindsTheMinimumOfACubic() {
        // p(t) = t³ − 3t has its local minimum at t = 1; interpolate from its values and slopes at 0 and 2.
        double t = Lbfgs.cubicMinimum(0, 0, -3, 2, 2, 9);
        assertThat(t).isCloseTo(1, within(1e-12));
    }

    @Test
    void reportsAnObjectiveThatBlowsUp() {
        Lbfgs.Objective bad = (x, g) -> {
            g[0] = -1;
            return x[0] > 0 ? Double.NaN : -x[0];
        };
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Lbfgs(3, 10, 1e-9, 0).minimize(bad, new double[] {0}))
                .isInstanceOf(ArithmeticException.class).hasMessageContaining("NaN");
    }
}
