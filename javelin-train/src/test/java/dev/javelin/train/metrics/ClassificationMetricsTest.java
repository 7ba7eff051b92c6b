package dev.javelin.train.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClassificationMetricsTest {

    @Test
    void computesAccuracyMacroF1AndConfusion() {
        // truth:     A A A A B B C C
        // predicted: A A B C B B C A
        int[] truth = {0, 0, 0, 0, 1, 1, 2, 2};
        int[] predicted = {0, 0, 1, 2, 1, 1, 2, 0};
        ClassificationMetrics m = ClassificationMetrics.of(truth, predicted, List.of("A", "B", "C"));
        assertThat(m.accuracy()).isEqualTo(5.0 / 8);
        assertThat(m.confusion()).isDeepEqualTo(new long[][] {{2, 1, 1}, {0, 2, 0}, {1, 0, 1}});
        // A: P 2/3, R 2/4 → F1 4/7; B: P 2/3, R 1 → 0.8; C: P 1/2, R 1/2 → 0.5
        assertThat(m.macroF1()).isCloseTo((4.0 / 7 + 0.8 + 0.5) / 3, within(1e-12));
        assertThat(m.report()).contains("accuracy  0.6250").contains("confusion matrix");
    }

    @Test
    void macroF1SkipsClassesThatNeverOccur() {
        ClassificationMetrics m = ClassificationMetrics.of(new int[] {0, 1}, new int[] {0, 1}, List.of("A", "B", "C"));
        assertThat(m.macroF1()).isEqualTo(1.0);
    }
}
