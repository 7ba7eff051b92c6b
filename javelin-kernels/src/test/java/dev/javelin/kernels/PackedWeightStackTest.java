package dev.javelin.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.javelin.tensor.DType;
import dev.javelin.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link PackedWeight#stackColumns}: widths that are and are not multiples of the panel width (so
 * parts start mid-panel), in every format. The stack must hold each part's values (and int8 scales)
 * unchanged, and a product over it must be bit-identical to the separate products side by side.
 */
@EnabledIf("dev.javelin.kernels.RequestedShape#runsHere")
class PackedWeightStackTest {
    private static final int K = 37;
    private static final int[] WIDTHS = {5, MicroKernel.NR, 17, 2 * MicroKernel.NR + 3, 1};

    @ParameterizedTest
    @EnumSource(PackedWeight.Format.class)
    void stackIsTheSeparateProductsSideBySide(PackedWeight.Format format) {
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom rnd = new SplittableRandom(format.ordinal() * 31L + 7);
            Function<Tensor, PackedWeight> pack = switch (format) {
                case F32 -> PackedWeight::ofTransposed;
                case BF16 -> PackedWeight::bf16OfTransposed;
                case INT8 -> PackedWeight::int8OfTransposed;
                case F16 -> w -> PackedWeight.halfOfTransposed(f16Bytes(arena, w), 0, DType.F16, w.dim(0), w.dim(1));
            };
            PackedWeight[] parts = new PackedWeight[WIDTHS.length];
            for (int i = 0; i < parts.length; i++) parts[i] = pack.apply(Tensors.random(arena, rnd, WIDTHS[i], K));
            PackedWeight stack = PackedWeight.stackColumns(parts);
            int n = Arrays.stream(WIDTHS).sum();
            assertThat(stack.format()).isEqualTo(format);
            assertThat(stack.rows()).isEqualTo(K);
            assertThat(stack.columns()).isEqualTo(n);

            for (int m : new int[] {1, 9, 70}) {
                Tensor a = Tensors.random(arena, rnd, m, K);
                Tensor together = Tensor.allocate(arena, m, n);
                MatMul.matmul(a, stack, Epilogue.NONE, null, together);
                int c0 = 0;
                for (PackedWeight part : parts) {
                    for (int r = 0; r < K; r++) {
                        for (int c = 0; c < part.columns(); c++) {
                            assertThat(stack.get(r, c0 + c)).as("[%d, %d]", r, c0 + c).isEqualTo(part.get(r, c));
                        }
                    }
                    Tensor alone = Tensor.allocate(arena, m, part.columns());
                    MatMul.matmul(a, part, Epilogue.NONE, null, alone);
                    float[] x = together.slice(1, c0, c0 + part.columns()).copy(arena).toArray(), y = alone.toArray();
                    for (int i = 0; i < x.length; i++) {
                        assertThat(Float.floatToRawIntBits(x[i])).as("m %d, column block at %d, element %d", m, c0, i)
                                .isEqualTo(Float.floatToRawIntBits(y[i]));
                    }
                    c0 += part.columns();
                }
            }
        }
    }

    @Test
    void rejectsPartsThatDoNotFit() {
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom rnd = new SplittableRandom(1);
            PackedWeight a = PackedWeight.ofTransposed(Tensors.random(arena, rnd, 4, 8));
            assertThatThrownBy(() -> PackedWeight.stackColumns(a, PackedWeight.ofTransposed(Tensors.random(arena, rnd, 4, 9))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("share K and format");
            assertThatThrownBy(() -> PackedWeight.stackColumns(a, PackedWeight.bf16OfTransposed(Tensors.random(arena, rnd, 4, 8))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("share K and format");
            assertThatThrownBy(PackedWeight::stackColumns).isInstanceOf(IllegalArgumentException.class);
        }
    }

    /** W as little-endian F16 bytes, as a checkpoint stores it. */
    private static MemorySegment f16Bytes(Arena arena, Tensor w) {
        float[] v = w.toArray();
        MemorySegment raw = arena.allocate(2L * v.length);
        for (int i = 0; i < v.length; i++) {
            raw.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i,
                    Float.floatToFloat16(v[i]));
        }
        return raw;
    }
}
