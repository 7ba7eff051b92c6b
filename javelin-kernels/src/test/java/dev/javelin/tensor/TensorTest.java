package dev.javelin.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class TensorTest {
    @Test
    void allocatesAlignedZeroedMemoryAndIndexesRowMajor() {
        try (Arena arena = Arena.ofConfined()) {
            Tensor t = Tensor.allocate(arena, 2, 3);
            assertThat(t.segment().address() % Tensor.ALIGNMENT).isZero();
            assertThat(t.toArray()).containsOnly(0f);
            t.set(5f, 1, 2);
            assertThat(t.getFlat(5)).isEqualTo(5f);
            assertThat(t.strides()).containsExactly(3, 1);
        }
    }

    @Test
    void viewsShareMemory() {
        try (Arena arena = Arena.ofConfined()) {
            Tensor t = Tensor.of(arena, new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 3, 4);
            Tensor tt = t.t();
            assertThat(tt.shape()).containsExactly(4, 3);
            assertThat(tt.get(3, 1)).isEqualTo(7f);
            assertThat(tt.isContiguous()).isFalse();
            assertThat(tt.contiguous(arena).toArray()).containsExactly(0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11);
            Tensor s = t.slice(1, 1, 3);
            assertThat(s.toArray()).containsExactly(1, 2, 5, 6, 9, 10);
            s.set(-1f, 2, 0);
            assertThat(t.get(2, 1)).isEqualTo(-1f);
            assertThat(t.get0(1).toArray()).containsExactly(4, 5, 6, 7);
            assertThat(t.reshape(2, -1).shape()).containsExactly(2, 6);
        }
    }

    @Test
    void rowOffsetsFollowStrides() {
        try (Arena arena = Arena.ofConfined()) {
            Tensor t = Tensor.allocate(arena, 2, 3, 8).slice(2, 2, 6); // rows of 4, stride 8
            assertThat(t.rows()).isEqualTo(6);
            assertThat(t.hasContiguousRows()).isTrue();
            assertThat(t.rowOffset(0)).isEqualTo(2);
            assertThat(t.rowOffset(4)).isEqualTo(2 + 24 + 8);
            assertThat(t.transpose(1, 2).hasContiguousRows()).isFalse();
            assertThatThrownBy(() -> t.rowOffset(6)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThat(Tensor.allocate(arena).rows()).isEqualTo(1);
        }
    }

    @Test
    void emptyTensorsAreContiguousAndCopyable() {
        try (Arena arena = Arena.ofConfined()) {
            Tensor e = Tensor.allocate(arena, 4, 3).slice(1, 1, 1);
            assertThat(e.size()).isZero();
            assertThat(e.isContiguous()).isTrue();
            assertThat(e.toArray()).isEmpty();
            assertThat(e.data().byteSize()).isZero();
        }
    }

    @Test
    void convertsHalfAndBfloat16() {
        try (Arena arena = Arena.ofConfined()) {
            ValueLayout.OfShort u16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
            float[] values = {1f, -2.5f, 0.099975586f, 65504f};
            MemorySegment f16 = arena.allocate(values.length * 2L);
            MemorySegment bf16 = arena.allocate(values.length * 2L);
            for (int i = 0; i < values.length; i++) {
                f16.setAtIndex(u16, i, Float.floatToFloat16(values[i]));
                bf16.setAtIndex(u16, i, (short) (Float.floatToRawIntBits(values[i]) >>> 16));
            }
            assertThat(Tensor.convert(arena, f16, DType.F16, 2, 2).toArray()).containsExactly(values);
            float[] truncated = new float[values.length];
            for (int i = 0; i < values.length; i++) truncated[i] = Float.intBitsToFloat(Float.floatToRawIntBits(values[i]) & 0xffff0000);
            assertThat(Tensor.convert(arena, bf16, DType.BF16, 4).toArray()).containsExactly(truncated);
            assertThatThrownBy(() -> Tensor.convert(arena, f16, DType.F16, 3))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot hold");
        }
    }

    /** Long tensors convert in blocks: every element lands where it belongs, across block boundaries. */
    @Test
    void convertsEveryElementOfALongTensor() {
        try (Arena arena = Arena.ofConfined()) {
            ValueLayout.OfShort u16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
            int n = 3 * (1 << 14) + 5;
            MemorySegment f16 = arena.allocate(2L * n + 1).asSlice(1); // unaligned, as a mapped file may be
            for (int i = 0; i < n; i++) f16.setAtIndex(u16, i, (short) (i * 7919));
            float[] got = Tensor.convert(arena, f16, DType.F16, n).toArray();
            for (int i = 0; i < n; i++) {
                assertThat(Float.floatToRawIntBits(got[i])).as("element %d", i)
                        .isEqualTo(Float.floatToRawIntBits(Float.float16ToFloat((short) (i * 7919))));
            }
        }
    }

    @Test
    void badIndicesAndShapesFailClearly() {
        try (Arena arena = Arena.ofConfined()) {
            Tensor t = Tensor.allocate(arena, 2, 3);
            assertThatThrownBy(() -> t.get(2, 0)).isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("axis 0");
            assertThatThrownBy(() -> t.get(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dimensions");
            assertThatThrownBy(() -> t.slice(1, 2, 5)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> t.reshape(4, 2)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> t.t().reshape(6)).isInstanceOf(IllegalStateException.class).hasMessageContaining("contiguous");
            assertThatThrownBy(() -> Tensor.allocate(arena, 2, -1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Tensor.of(arena, new float[5], 2, 3)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Tensor.wrap(arena.allocate(20), 2, 3)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> t.requireShape("weight", 3, 2)).hasMessageContaining("weight").hasMessageContaining("[3, 2]");
            assertThatThrownBy(() -> t.dim(2)).isInstanceOf(IndexOutOfBoundsException.class);
        }
    }
}
