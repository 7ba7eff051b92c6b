package dev.javelin.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.javelin.tensor.Tensor;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The int8 row gather of an embedding table, and ONNX Runtime's dynamic activation quantization. */
class Int8EmbeddingAndActivationTest {

    @Test
    void rowGatherIsTheDequantizedRowExactly() {
        try (Arena arena = Arena.ofConfined()) {
            Tensor table = Tensors.random(arena, new SplittableRandom(3), 5, 37);
            SymmetricInt8.Quantized q = SymmetricInt8.quantizeRows(table);
            SymmetricInt8.Table t = q.table();
            Tensor out = Tensor.allocate(arena, 2, 37);
            t.dequantizeRow(4, out.get0(1));
            for (int c = 0; c < 37; c++) assertThat(out.get(1, c)).isEqualTo(q.dequantized(4, c));
            t.accumulateRow(2, out.get0(1));
            for (int c = 0; c < 37; c++) assertThat(out.get(1, c)).isEqualTo(q.dequantized(4, c) + q.dequantized(2, c));
            assertThatThrownBy(() -> t.dequantizeRow(0, Tensor.allocate(arena, 36))).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void rowQuantizedOnGatherIsTheQuantizedTablesRowBitForBit() {
        try (Arena arena = Arena.ofConfined()) {
            Tensor table = Tensors.random(arena, new SplittableRandom(5), 6, 45);
            for (int c = 0; c < 45; c++) table.set(0f, 3, c); // a row of zeros: scale 0
            table.set(-0.5f, 2, 7); // a row whose extreme is negative
            SymmetricInt8.Table q = SymmetricInt8.quantizeRows(table).table();
            Tensor expected = Tensor.allocate(arena, 45), actual = Tensor.allocate(arena, 45);
            for (int r = 0; r < 6; r++) {
                q.dequantizeRow(r, expected);
                SymmetricInt8.dequantizedRow(table.segment(), table.byteOffset() + (long) r * 45 * Float.BYTES, 45, actual, false);
                assertThat(actual.toArray()).containsExactly(expected.toArray());
                q.accumulateRow(1, expected);
                SymmetricInt8.dequantizedRow(table.segment(), table.byteOffset() + 45L * Float.BYTES, 45, actual, true);
                assertThat(actual.toArray()).containsExactly(expected.toArray());
            }
            table.set(Float.NaN, 4, 9);
            assertThatThrownBy(() -> SymmetricInt8.requireFinite(table)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("NaN at [4, 9]");
        }
    }

    @Test
    void dynamicQuantizationFollowsOnnxDynamicQuantizeLinear() {
        try (Arena arena = Arena.ofConfined()) {
            // range [-1, 2]: s = 3/255, z = round(255/3) = 85; each value becomes (round(x/s) + z − z)·s
            Tensor x = Tensor.of(arena, new float[] {-1f, 0f, 0.5f, 2f, 0.013f, -0.3f}, 2, 3);
            Tensor y = Tensor.allocate(arena, 2, 3);
            DynamicActivationQuantization.apply(x, y);
            float s = 3f / 255f;
            float[] in = x.toArray(), out = y.toArray();
            for (int i = 0; i < in.length; i++) {
                float q = (float) Math.max(0, Math.min(255, Math.rint(in[i] / s) + 85));
                assertThat(out[i]).isEqualTo((q - 85) * s);
                assertThat(Math.abs(out[i] - in[i])).isLessThanOrEqualTo(s / 2 * 1.0001f);
            }
            assertThat(out[1]).isZero(); // zero is exactly representable: padding and ReLU zeros stay zero
        }
    }

    @Test
    void allPositiveRangeStartsAtZeroAndConstantZeroIsUnchanged() {
        try (Arena arena = Arena.ofConfined()) {
            Tensor x = Tensor.of(arena, new float[] {1f, 2f, 3f}, 3);
            Tensor y = Tensor.allocate(arena, 3);
            DynamicActivationQuantization.apply(x, y);
            // min is widened to 0: s = 3/255, z = 0
            assertThat(y.toArray()[2]).isEqualTo(255 * (3f / 255f));
            Tensor zeros = Tensor.allocate(arena, 4);
            DynamicActivationQuantization.apply(zeros, zeros);
            assertThat(zeros.toArray()).containsOnly(0f);
            Tensor nan = Tensor.of(arena, new float[] {Float.NaN}, 1);
            assertThatThrownBy(() -> DynamicActivationQuantization.apply(nan, Tensor.allocate(arena, 1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
        }
    }
}
