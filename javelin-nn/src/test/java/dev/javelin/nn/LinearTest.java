package dev.javelin.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.javelin.kernels.SymmetricInt8;
import dev.javelin.tensor.Tensor;
import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;

class LinearTest {

    @Test
    void computesXTimesWTransposedPlusBias() {
        try (Arena arena = Arena.ofConfined()) {
            Random r = new Random(1);
            Tensor x = r.tensor(arena, 1, 5, 7), w = r.tensor(arena, 1, 3, 7), b = r.tensor(arena, 1, 3);
            Tensor y = Tensor.allocate(arena, 5, 3);
            new Linear(w, b).forward(x, y);
            for (int i = 0; i < 5; i++) {
                for (int o = 0; o < 3; o++) {
                    double e = b.get(o);
                    for (int k = 0; k < 7; k++) e += (double) x.get(i, k) * w.get(o, k);
                    assertThat((double) y.get(i, o)).isCloseTo(e, org.assertj.core.data.Offset.offset(1e-5));
                }
            }
        }
    }

    /**
     * A normalised layer is the product then its norm, bit for bit: a LayerNorm run by the product
     * (in its tasks for 300 rows, after it for 16 rows split along the columns on several threads),
     * an RmsNorm after the product, and a LayerNorm after a low-rank delta (which the norm must wait for).
     */
    @Test
    void normalisedLayerIsTheProductThenItsNormBitForBit() {
        int in = 384, out = 384;
        try (Arena arena = Arena.ofConfined()) {
            Random r = new Random(5);
            Tensor w = r.tensor(arena, 0.05f, out, in), b = r.tensor(arena, 1, out);
            Tensor gamma = r.tensor(arena, 1, out), beta = r.tensor(arena, 1, out);
            LowRankDelta delta = new LowRankDelta(r.tensor(arena, 0.2f, 4, in), r.tensor(arena, 0.2f, out, 4), 2f);
            Normalization[] norms = {new LayerNorm(gamma, beta, 1e-12f), new RmsNorm(gamma, 1e-6f)};
            for (int rows : new int[] {16, 300}) {
                Tensor x = r.tensor(arena, 1, rows, in), residual = r.tensor(arena, 1, rows, out);
                for (Linear layer : new Linear[] {new Linear(w, b), new Linear(w, b).withDelta(delta)}) {
                    for (Normalization norm : norms) {
                        Tensor expected = Tensor.allocate(arena, rows, out), y = Tensor.allocate(arena, rows, out);
                        layer.forwardAdding(x, residual, expected);
                        norm.forward(expected);
                        layer.normalisedBy(norm).forwardAdding(x, residual, y);
                        assertBitIdentical(y, expected);
                        layer.forward(x, expected);
                        norm.forward(expected);
                        layer.normalisedBy(norm).forward(x, y);
                        assertBitIdentical(y, expected);
                    }
                }
            }
            Linear layer = new Linear(w, b);
            assertThatThrownBy(() -> layer.normalisedBy(new RmsNorm(r.tensor(arena, 1, out - 1), 1e-6f)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("383 features");
            assertThatThrownBy(() -> layer.normalisedBy(norms[0]).normalisedBy(norms[1])).isInstanceOf(IllegalStateException.class);
        }
    }

    private static void assertBitIdentical(Tensor actual, Tensor expected) {
        float[] x = actual.toArray(), y = expected.toArray();
        for (int i = 0; i < x.length; i++) {
            assertThat(Float.floatToRawIntBits(x[i])).as("element %d", i).isEqualTo(Float.floatToRawIntBits(y[i]));
        }
    }

    @Test
    void rejectsABiasOfTheWrongSize() {
        try (Arena arena = Arena.ofConfined()) {
            assertThatThrownBy(() -> new Linear(Tensor.allocate(arena, 3, 4), Tensor.allocate(arena, 4)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bias");
        }
    }

    @Test
    void embeddingLooksUpAndAccumulatesRowsAndRejectsUnknownIds() {
        try (Arena arena = Arena.ofConfined()) {
            Random r = new Random(2);
            Tensor table = r.tensor(arena, 1, 10, 4);
            Embedding e = new Embedding(table);
            Tensor out = Tensor.allocate(arena, 3, 4);
            e.lookup(new int[] {9, 0, 9}, out);
            e.accumulate(new int[] {1, 1, 2}, out);
            for (int c = 0; c < 4; c++) {
                assertThat(out.get(0, c)).isEqualTo(table.get(9, c) + table.get(1, c));
                assertThat(out.get(2, c)).isEqualTo(table.get(9, c) + table.get(2, c));
            }
            assertThatThrownBy(() -> e.lookup(new int[] {0, 10, 1}, out))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("id 10 at position 1");
        }
    }

    @Test
    void anF32TableQuantizedOnGatherGathersWhatItsInt8TableGathers() {
        try (Arena arena = Arena.ofConfined()) {
            Tensor table = new Random(4).tensor(arena, 1, 10, 6);
            Embedding lazy = Embedding.quantizedOnGather(table), int8 = new Embedding(SymmetricInt8.quantizeRows(table).table());
            Tensor a = Tensor.allocate(arena, 3, 6), b = Tensor.allocate(arena, 3, 6);
            int[] ids = {7, 0, 7}, more = {2, 9, 2};
            lazy.lookup(ids, a);
            lazy.accumulate(more, a);
            int8.lookup(ids, b);
            int8.accumulate(more, b);
            assertThat(a.toArray()).containsExactly(b.toArray());
            assertThat(a.get(0, 0)).isNotEqualTo(table.get(7, 0) + table.get(2, 0));
        }
    }
}
