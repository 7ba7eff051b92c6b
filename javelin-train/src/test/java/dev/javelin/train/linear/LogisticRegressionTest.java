package dev.javelin.train.linear;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LogisticRegressionTest {

    /** Gaussian blobs around three well-separated centres, with a large constant offset and tiny scale
     * on some coordinates, as raw embeddings have: the standardisation must cope. */
    private static float[][] blobs(int n, int[] labels, long seed) {
        Random random = new Random(seed);
        float[][] x = new float[n][8];
        for (int i = 0; i < n; i++) {
            int c = i % 3;
            labels[i] = c;
            for (int h = 0; h < 8; h++) {
                double centre = h == c ? 3 : 0;
                double v = centre + random.nextGaussian();
                x[i][h] = (float) (h >= 4 ? 5 + 0.001 * v : v);
            }
        }
        return x;
    }

    private static double accuracy(SoftmaxHead head, float[][] x, int[] y) {
        int right = 0;
        for (int i = 0; i < x.length; i++) {
            int best = 0;
            double bestLogit = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < head.classes(); c++) {
                double z = head.bias()[c];
                for (int h = 0; h < head.dim(); h++) {
                    z += head.weight()[c][h] * x[i][h];
                }
                if (z > bestLogit) {
                    bestLogit = z;
                    best = c;
                }
            }
            right += best == y[i] ? 1 : 0;
        }
        return (double) right / x.length;
    }

    @Test
    void learnsSeparableClassesAndGeneralises() {
        int[] y = new int[600];
        float[][] x = blobs(600, y, 1);
        List<String> log = new ArrayList<>();
        LogisticRegression.Fit fit = LogisticRegression.fit(x, y, 3, null, null, LogisticRegression.Options.defaults(), log::add);
        int[] testY = new int[300];
        float[][] testX = blobs(300, testY, 2);
        assertThat(accuracy(fit.head(), testX, testY)).isGreaterThan(0.97);
        assertThat(fit.heldOut()).isTrue();
        assertThat(fit.validationLabels()).hasSize(60);
        assertThat(fit.trials()).hasSize(LogisticRegression.DEFAULT_GRID.size());
        assertThat(log).anyMatch(line -> line.startsWith("chose λ="));
    }

    @Test
    void sameSeedSameWeights() {
        int[] y = new int[300];
        float[][] x = blobs(300, y, 3);
        LogisticRegression.Options options = LogisticRegression.Options.defaults();
        SoftmaxHead a = LogisticRegression.fit(x, y, 3, null, null, options, line -> { }).head();
        SoftmaxHead b = LogisticRegression.fit(x, y, 3, null, null, options, line -> { }).head();
        assertThat(a.weight()).isDeepEqualTo(b.weight());
        assertThat(a.bias()).isEqualTo(b.bias());
    }

    @Test
    void usesTheGivenValidationSetWithoutRefitting() {
        int[] y = new int[300];
        float[][] x = blobs(300, y, 4);
        int[] valY = new int[90];
        float[][] valX = blobs(90, valY, 5);
        LogisticRegression.Fit fit = LogisticRegression.fit(x, y, 3, valX, valY,
                new LogisticRegression.Options(List.of(1e-2, 1e-4), 0.1, 42, 1000), line -> { });
        assertThat(fit.heldOut()).isFalse();
        assertThat(fit.validationLabels()).isEqualTo(valY);
        assertThat(fit.trials()).extracting(LogisticRegression.Trial::l2).containsExactly(1e-2, 1e-4);
        assertThat(accuracy(fit.head(), valX, valY)).isGreaterThan(0.97);
    }

    @Test
    void deadNoiseDimensionsGetNoWeight() {
        int[] y = new int[300];
        float[][] blobs = blobs(300, y, 6);
        Random random = new Random(9);
        float[][] x = new float[300][];
        for (int i = 0; i < x.length; i++) {
            x[i] = java.util.Arrays.copyOf(blobs[i], 10);
            // As in a real encoder's dead dimensions: exactly constant, and rounding noise around zero.
            x[i][8] = 0.25f;
            x[i][9] = (float) (1e-8 * random.nextGaussian() + (y[i] == 0 ? 2e-9 : 0));
        }
        SoftmaxHead head = LogisticRegression.fit(x, y, 3, null, null, LogisticRegression.Options.defaults(), line -> { }).head();
        for (float[] row : head.weight()) {
            assertThat(row[8]).isZero();
            assertThat(row[9]).isZero();
        }
        assertThat(accuracy(head, x, y)).isGreaterThan(0.97);
    }

    @Test
    void stratifiedSplitKeepsClassSharesAndIsSeeded() {
        int[] labels = new int[1000];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i < 900 ? 0 : 1;
        }
        StratifiedSplit split = StratifiedSplit.of(labels, 2, 0.1, 42);
        long heldPositives = java.util.Arrays.stream(split.holdout()).filter(i -> labels[i] == 1).count();
        assertThat(split.holdout()).hasSize(100);
        assertThat(heldPositives).isEqualTo(10);
        assertThat(split.train().length + split.holdout().length).isEqualTo(1000);
        assertThat(StratifiedSplit.of(labels, 2, 0.1, 42).holdout()).isEqualTo(split.holdout());
        assertThat(StratifiedSplit.of(labels, 2, 0.1, 43).holdout()).isNotEqualTo(split.holdout());
    }
}
