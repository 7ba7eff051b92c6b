package dev.javelin.bench.matmul;

import static org.assertj.core.api.Assertions.assertThat;

import dev.javelin.kernels.MatMulReference;
import dev.javelin.tensor.Tensor;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NaiveMatMulTest {
    @Test
    void computesTheProductAndOnlyTheRowsAskedFor() {
        int n = 37;
        SplittableRandom rnd = new SplittableRandom(1);
        float[] a = new float[n * n], b = new float[n * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rnd.nextDouble(-1, 1);
            b[i] = (float) rnd.nextDouble(-1, 1);
        }
        float[] c = new float[n * n];
        NaiveMatMul.multiplyRows(a, b, c, n, 5);
        try (Arena arena = Arena.ofConfined()) {
            Tensor expected = Tensor.allocate(arena, n, n);
            MatMulReference.matmul(Tensor.of(arena, a, n, n), Tensor.of(arena, b, n, n), expected);
            float[] e = expected.toArray();
            for (int i = 0; i < n * n; i++) {
                // float sum of 37 products in order vs the double reference: within 38·u·Σ|ab| ≤ 38·u·37
                if (i < 5 * n) assertThat(c[i]).isCloseTo(e[i], org.assertj.core.data.Offset.offset(38 * 37 * 6e-8f));
                else assertThat(c[i]).isZero();
            }
        }
    }

    @Test
    void largeSizesTimeAboutAGigaMultiplyAddOfRows() {
        assertThat(MatMulWorker.naiveRows(1024)).isEqualTo(1024);
        assertThat(MatMulWorker.naiveRows(512)).isEqualTo(512);
        assertThat(MatMulWorker.naiveRows(2048)).isEqualTo(256);
        assertThat(MatMulWorker.naiveRows(4096)).isEqualTo(64);
    }
}
