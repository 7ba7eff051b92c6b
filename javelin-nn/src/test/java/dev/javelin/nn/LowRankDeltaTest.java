package dev.javelin.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.javelin.kernels.Epilogue;
import dev.javelin.kernels.GeluReference;
import dev.javelin.tensor.Tensor;
import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;

/**
 * An unmerged LoRA layer computes x·(W + s·B·A)ᵀ + b (plus residual, then the activation), checked
 * against a float64 evaluation of that merged formula. The float32 results differ from it by
 * rounding only: |error| ≤ ~K·2⁻²⁴·Σ|terms| with K = in ≤ 48 here, well under the 1e-5 bound for
 * unit-scale inputs.
 */
class LowRankDeltaTest {
    private static final int ROWS = 9, IN = 48, OUT = 20, R = 4;
    private static final float SCALE = 2f;

    @Test
    void unmergedLayerComputesTheMergedFormula() {
        try (Arena arena = Arena.ofConfined()) {
            Random rnd = new Random(3);
            Tensor x = rnd.tensor(arena, 1, ROWS, IN), w = rnd.tensor(arena, 0.2f, OUT, IN), bias = rnd.tensor(arena, 1, OUT);
            Tensor a = rnd.tensor(arena, 0.2f, R, IN), b = rnd.tensor(arena, 0.2f, OUT, R), residual = rnd.tensor(arena, 1, ROWS, OUT);
            Linear layer = new Linear(w, bias).withDelta(new LowRankDelta(a, b, SCALE));
            double[][] merged = merged(x, w, bias, a, b);

            Tensor y = Tensor.allocate(arena, ROWS, OUT);
            layer.forward(x, y);
            assertClose(y, merged, null, false);
            layer.forwardGelu(x, y);
            assertClose(y, merged, null, true);
            Tensor inPlace = residual.copy(arena);
            layer.forwardAdding(x, inPlace, inPlace);
            assertClose(inPlace, merged, residual, false);
        }
    }

    @Test
    void stackedDeltaEqualsEachPartsOwnAndLeavesUnadaptedPartsAlone() {
        try (Arena arena = Arena.ofConfined()) {
            Random rnd = new Random(4);
            int[] outs = {OUT, 8, OUT};
            Tensor x = rnd.tensor(arena, 1, ROWS, IN);
            Tensor[] a = {rnd.tensor(arena, 0.2f, R, IN), null, rnd.tensor(arena, 0.2f, 2, IN)};
            Tensor[] b = {rnd.tensor(arena, 0.2f, OUT, R), null, rnd.tensor(arena, 0.2f, OUT, 2)};
            LowRankDelta stacked = LowRankDelta.stacked(a, b, outs, SCALE);
            assertThat(stacked.rank()).isEqualTo(R + 2);
            Tensor all = Tensor.allocate(arena, ROWS, OUT + 8 + OUT);
            stacked.addTo(x, all, Epilogue.Activation.IDENTITY, arena);
            Tensor first = Tensor.allocate(arena, ROWS, OUT), last = Tensor.allocate(arena, ROWS, OUT);
            new LowRankDelta(a[0], b[0], SCALE).addTo(x, first, Epilogue.Activation.IDENTITY, arena);
            new LowRankDelta(a[2], b[2], SCALE).addTo(x, last, Epilogue.Activation.IDENTITY, arena);
            for (int i = 0; i < ROWS; i++) {
                for (int o = 0; o < OUT; o++) {
                    // the zero blocks of B add exact zeros, so each part's sum is the same numbers in the same order
                    assertThat(all.get(i, o)).isEqualTo(first.get(i, o));
                    assertThat(all.get(i, OUT + 8 + o)).isEqualTo(last.get(i, o));
                }
                for (int o = 0; o < 8; o++) assertThat(all.get(i, OUT + o)).isZero();
            }
        }
    }

    @Test
    void refusesADeltaOfAnotherShape() {
        try (Arena arena = Arena.ofConfined()) {
            Linear layer = new Linear(Tensor.allocate(arena, OUT, IN), null);
            LowRankDelta wrong = new LowRankDelta(Tensor.allocate(arena, R, IN), Tensor.allocate(arena, OUT + 1, R), 1);
            assertThatThrownBy(() -> layer.withDelta(wrong)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("does not fit the linear weight [20, 48]");
            assertThatThrownBy(() -> new LowRankDelta(Tensor.allocate(arena, R, IN), Tensor.allocate(arena, OUT, R + 1), 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("B [out, r]");
        }
    }

    /** x·(W + s·B·A)ᵀ + bias in float64. */
    private static double[][] merged(Tensor x, Tensor w, Tensor bias, Tensor a, Tensor b) {
        double[][] y = new double[ROWS][OUT];
        for (int o = 0; o < OUT; o++) {
            for (int k = 0; k < IN; k++) {
                double wk = w.get(o, k);
                for (int j = 0; j < R; j++) wk += SCALE * (double) b.get(o, j) * a.get(j, k);
                for (int i = 0; i < ROWS; i++) y[i][o] += wk * x.get(i, k);
            }
            for (int i = 0; i < ROWS; i++) y[i][o] += bias.get(o);
        }
        return y;
    }

    /** y against the merged formula (+ residual), then GELU by the kernels' float64 reference when asked. */
    private static void assertClose(Tensor y, double[][] merged, Tensor residual, boolean gelu) {
        try (Arena arena = Arena.ofConfined()) {
            Tensor expected = Tensor.allocate(arena, ROWS, OUT);
            for (int i = 0; i < ROWS; i++) {
                for (int o = 0; o < OUT; o++) expected.set((float) (merged[i][o] + (residual == null ? 0 : residual.get(i, o))), i, o);
            }
            if (gelu) GeluReference.apply(expected);
            assertThat(Random.maxAbsDiff(y, expected)).isLessThan(1e-5f);
        }
    }
}
