package dev.javelin.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.javelin.tensor.DType;
import dev.javelin.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Products over int8, bf16 and F16 packed weights ({@link WideningMicroKernel}) on the edge shapes of
 * MatMulTest, at every kernel shape the build runs.
 *
 * <p>int8: the kernel sums a·q in F32 and multiplies by the column scale once, the reference sums
 * a·(q·s) in double, so per element the forward error is within γ_{K+1}·Σ|a|·|q·s| (one more
 * rounding than a plain product: the scale). 16-bit floats widen exactly, so a product over them
 * must be bit-identical to the F32 kernel over the widened weights: any widening mistake (a wrong
 * shift, a lost sign, a subnormal) changes bits.
 */
@EnabledIf("dev.javelin.kernels.RequestedShape#runsHere")
class NarrowWeightMatMulTest {
    private static final double U = Math.ulp(1f) / 2;
    private static final ComputePool THREE = ComputePool.create(3);

    @AfterAll
    static void closePool() {
        THREE.close();
    }

    @ParameterizedTest(name = "{0}x{1}x{2}")
    @CsvSource({
        "1,1,1", "1,1,7", "1,7,1", "7,1,1", "2,3,5", "7,13,17", "6,16,8", "8,16,32", "5,15,9", "9,33,65",
        "13,17,31", "16,16,16", "16,384,384", "37,41,43", "1,384,1536", "3,1536,384", "17,384,384", "64,97,33",
        "100,257,129", "127,129,131", "128,384,1536", "129,40,33", "260,1100,50", "301,513,67", "0,5,3", "5,3,0"})
    void int8WeightMatchesTheDequantizedReference(int m, int k, int n) {
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom rnd = new SplittableRandom(m * 9_000_011L + k * 37L + n);
            Tensor a = Tensors.random(arena, rnd, m, k);
            Tensor w = rowsOfMixedScale(arena, rnd, n, k);
            Tensor bias = Tensors.random(arena, rnd, n);
            Tensor residual = Tensors.random(arena, rnd, m, n);
            PackedWeight packed = PackedWeight.int8OfTransposed(w);
            assertThat(packed.format()).isEqualTo(PackedWeight.Format.INT8);
            assertThat(packed.rows()).isEqualTo(k);
            assertThat(packed.columns()).isEqualTo(n);
            for (ComputePool pool : new ComputePool[] {ComputePool.shared(), THREE}) {
                Tensor plain = Tensors.random(arena, rnd, m, n);
                MatMul.matmul(a, packed, Epilogue.NONE, null, plain, pool);
                assertWithinBound(arena, a, packed, plain);

                // the epilogue after the scale: the same float operations as separate passes
                Tensor unfused = plain.copy(arena);
                Add.bias(unfused, bias);
                Add.inPlace(unfused, residual);
                Gelu.apply(unfused);
                Tensor fused = Tensors.random(arena, rnd, m, n);
                MatMul.matmul(a, packed, new Epilogue(bias, Epilogue.Activation.GELU), residual, fused, pool);
                assertBitIdentical(fused, unfused);
            }
        }
    }

    @ParameterizedTest(name = "{0}x{1}x{2}")
    @CsvSource({
        "1,1,1", "1,1,7", "1,7,1", "7,1,1", "2,3,5", "7,13,17", "6,16,8", "8,16,32", "5,15,9", "13,17,31",
        "16,384,384", "37,41,43", "1,384,1536", "3,1536,384", "100,257,129", "127,129,131", "129,40,33", "260,1100,50", "301,513,67", "0,5,3", "5,3,0"})
    void sixteenBitWeightsAreBitIdenticalToTheirF32Widening(int m, int k, int n) {
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom rnd = new SplittableRandom(m * 5_000_011L + k * 41L + n);
            Tensor a = Tensors.random(arena, rnd, m, k);
            Tensor w = rowsOfMixedScale(arena, rnd, n, k);
            Tensor bias = Tensors.random(arena, rnd, n);
            for (DType dtype : new DType[] {DType.BF16, DType.F16}) {
                MemorySegment raw = arena.allocate(2L * n * k + 1).asSlice(1); // odd address: unaligned storage
                float[] widened = new float[n * k];
                for (int j = 0; j < n; j++) {
                    for (int p = 0; p < k; p++) {
                        float v = w.get(j, p);
                        short bits = dtype == DType.BF16 ? BFloat16.fromFloat(v) : Float.floatToFloat16(v);
                        raw.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, (long) j * k + p, bits);
                        widened[j * k + p] = dtype == DType.BF16 ? BFloat16.toFloat(bits) : Float.float16ToFloat(bits);
                    }
                }
                PackedWeight half = PackedWeight.halfOfTransposed(raw, 0, dtype, n, k);
                assertThat(half.format().name()).isEqualTo(dtype.name());
                assertThat(half.bytes()).isLessThan(2L * (n + MicroKernel.NR) * k + 64);
                PackedWeight f32 = PackedWeight.ofTransposed(Tensor.of(arena, widened, n, k));
                for (ComputePool pool : new ComputePool[] {ComputePool.shared(), THREE}) {
                    Epilogue epilogue = new Epilogue(bias, Epilogue.Activation.GELU);
                    Tensor expected = Tensor.allocate(arena, m, n);
                    MatMul.matmul(a, f32, epilogue, null, expected, pool);
                    Tensor actual = Tensors.random(arena, rnd, m, n);
                    MatMul.matmul(a, half, epilogue, null, actual, pool);
                    assertBitIdentical(actual, expected);
                }
                if (dtype == DType.BF16 && n > 0 && k > 0) {
                    PackedWeight narrowedOnLoad = PackedWeight.bf16OfTransposed(w);
                    for (int j = 0; j < n; j++) {
                        for (int p = 0; p < k; p++) assertThat(narrowedOnLoad.get(p, j)).isEqualTo(half.get(p, j));
                    }
                }
            }
        }
    }

    /** F16's subnormals, signed zeros and extremes widen exactly in registers (the exponent rebias). */
    @Test
    void f16WideningCoversSubnormalsZerosAndExtremes() {
        short[] specials = {0x0000, (short) 0x8000, 0x0001, (short) 0x8001, 0x03ff, 0x0400, 0x3c00, (short) 0xbc00,
            0x7bff, (short) 0xfbff, 0x3555, 0x0200, (short) 0x83ff};
        int k = specials.length, n = 3;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment raw = arena.allocate(2L * n * k);
            for (int j = 0; j < n; j++) {
                for (int p = 0; p < k; p++) raw.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, (long) j * k + p, specials[p]);
            }
            PackedWeight w = PackedWeight.halfOfTransposed(raw, 0, DType.F16, n, k);
            for (int p = 0; p < k; p++) {
                // A = the unit row e_p picks weight p out of every column: C must be its exact value
                float[] e = new float[k];
                e[p] = 1;
                Tensor c = Tensor.allocate(arena, 1, n);
                MatMul.matmul(Tensor.of(arena, e, 1, k), w, Epilogue.NONE, null, c);
                for (int j = 0; j < n; j++) {
                    assertThat(Float.floatToRawIntBits(c.get(0, j))).as("F16 %04x", specials[p])
                            .isEqualTo(Float.floatToRawIntBits(Float.float16ToFloat(specials[p]) * 1f + 0f));
                }
            }
        }
    }

    @Test
    void quantizationErrorIsWithinHalfAStepPerRow() {
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom rnd = new SplittableRandom(3);
            Tensor w = rowsOfMixedScale(arena, rnd, 37, 53);
            w.set(0f, 5, 7);
            for (int c = 0; c < 53; c++) w.set(0f, 11, c); // an all-zero row
            SymmetricInt8.Quantized q = SymmetricInt8.quantizeRows(w);
            for (int r = 0; r < 37; r++) {
                float max = 0;
                for (int c = 0; c < 53; c++) max = Math.max(max, Math.abs(w.get(r, c)));
                assertThat(q.scales()[r]).isEqualTo(max / 127);
                for (int c = 0; c < 53; c++) {
                    assertThat(Math.abs(q.values()[r * 53 + c])).isLessThanOrEqualTo(127);
                    assertThat((double) Math.abs(q.dequantized(r, c) - w.get(r, c))).as("[%d,%d]", r, c)
                            .isLessThanOrEqualTo(q.scales()[r] * (0.5 + 1e-6));
                }
            }
            assertThat(q.scales()[11]).isZero();
            assertThat(q.dequantized(5, 7)).isZero();
        }
    }

    @Test
    void bf16RoundsToNearestEven() {
        assertThat(BFloat16.fromFloat(1f)).isEqualTo((short) 0x3f80);
        assertThat(BFloat16.fromFloat(Float.intBitsToFloat(0x3f808000))).isEqualTo((short) 0x3f80); // tie, even below
        assertThat(BFloat16.fromFloat(Float.intBitsToFloat(0x3f818000))).isEqualTo((short) 0x3f82); // tie, even above
        assertThat(BFloat16.fromFloat(Float.intBitsToFloat(0x3f808001))).isEqualTo((short) 0x3f81);
        assertThat(BFloat16.fromFloat(-0f)).isEqualTo((short) 0x8000);
        assertThat(Float.isNaN(BFloat16.toFloat(BFloat16.fromFloat(Float.NaN)))).isTrue();
        assertThat(BFloat16.toFloat(BFloat16.fromFloat(Float.MAX_VALUE))).isInfinite(); // rounds up, as PyTorch
    }

    @Test
    void rejectsWeightsItCannotRepresent() {
        try (Arena arena = Arena.ofConfined()) {
            Tensor w = Tensor.allocate(arena, 2, 3);
            w.set(Float.NaN, 1, 2);
            assertThatThrownBy(() -> PackedWeight.int8OfTransposed(w))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[1, 2]").hasMessageContaining("finite");
            MemorySegment raw = arena.allocate(12);
            raw.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, 4, (short) 0x7c00);
            assertThatThrownBy(() -> PackedWeight.halfOfTransposed(raw, 0, DType.F16, 2, 3))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Infinity").hasMessageContaining("[1, 1]");
            assertThatThrownBy(() -> PackedWeight.halfOfTransposed(raw, 2, DType.BF16, 2, 3))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs 12 bytes");
            assertThatThrownBy(() -> PackedWeight.halfOfTransposed(raw, 0, DType.F32, 2, 3))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BF16 or F16");
            assertThatThrownBy(() -> new SymmetricInt8.Quantized(new byte[5], new float[2], 2, 3))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs 6 values");
        }
    }

    /** Rows whose magnitudes differ by up to 1000×, as rows of real layers do: per-row scales must keep each. */
    private static Tensor rowsOfMixedScale(Arena arena, SplittableRandom rnd, int rows, int cols) {
        Tensor w = Tensors.random(arena, rnd, rows, cols);
        for (int r = 0; r < rows; r++) {
            float scale = (float) Math.pow(10, rnd.nextDouble() * 3 - 2);
            for (int c = 0; c < cols; c++) w.set(w.get(r, c) * scale, r, c);
        }
        return w;
    }

    private static void assertWithinBound(Arena arena, Tensor a, PackedWeight w, Tensor c) {
        int m = a.dim(0), k = a.dim(1), n = w.columns();
        Tensor expected = Tensor.allocate(arena, m, n);
        MatMulReference.matmul(a, w, expected);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double magnitude = 0;
                for (int p = 0; p < k; p++) magnitude += Math.abs((double) a.get(i, p) * w.get(p, j));
                double bound = (k + 2) * U * magnitude + Float.MIN_NORMAL;
                double err = Math.abs((double) c.get(i, j) - expected.get(i, j));
                if (!(err <= bound)) {
                    assertThat(c.get(i, j)).as("C[%d,%d] of %dx%dx%d (bound %g)", i, j, m, k, n, bound).isEqualTo(expected.get(i, j));
                }
            }
        }
    }

    private static void assertBitIdentical(Tensor actual, Tensor expected) {
        float[] x = actual.toArray(), y = expected.toArray();
        for (int i = 0; i < x.length; i++) {
            if (Float.floatToRawIntBits(x[i]) != Float.floatToRawIntBits(y[i])) {
                assertThat(x[i]).as("element %d of %s", i, java.util.Arrays.toString(actual.shape())).isEqualTo(y[i]);
            }
        }
    }
}
