package dev.javelin.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.javelin.tensor.Tensor;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * MatMul against the double-precision reference.
 *
 * <p>Tolerance: the blocked kernel sums K float products in an order of its own (FMA chains per
 * K-block, blocks added into C), so per element the classic forward error bound applies:
 * |ĉ − c| ≤ γ_K·(|A|·|B|), γ_K ≈ K·u with u = 2⁻²⁴ the float unit roundoff. We check exactly that
 * bound (with |A|·|B| computed by the reference) plus one ulp-sized slack for the final rounding;
 * a wrong index, a missed edge tile or a stale accumulator is off by whole products, far above it.
 */
@EnabledIf("dev.javelin.kernels.RequestedShape#runsHere")
class MatMulTest {
    private static final double U = Math.ulp(1f) / 2;
    private static final ComputePool TWO = ComputePool.create(2);
    private static final ComputePool THREE = ComputePool.create(3);

    @AfterAll
    static void closePool() {
        TWO.close();
        THREE.close();
    }

    /** The build runs this class once per kernel shape the CPU can execute; this checks each run got its shape. */
    @Test
    void runsTheKernelShapeTheBuildAsksFor() {
        Integer bits = Integer.getInteger("javelin.simd.bits");
        if (bits != null) assertThat(Simd.F.vectorBitSize()).isEqualTo(bits);
        Integer rows = Integer.getInteger("javelin.matmul.rows");
        if (rows != null) assertThat(MicroKernel.MR).isEqualTo(rows);
        Integer vectors = Integer.getInteger("javelin.matmul.vectors");
        if (vectors != null) assertThat(MicroKernel.F32_VECTORS).isEqualTo(vectors);
        assertThat(MicroKernel.NR).isEqualTo(2 * Simd.F.length());
        assertThat(MicroKernel.NR_F32).isEqualTo(MicroKernel.F32_VECTORS * Simd.F.length());
        System.out.printf("MatMulTest: %d-bit vectors, %d×%d F32 register tile (narrow weights %d×%d), %d vector registers%n",
                Simd.F.vectorBitSize(), MicroKernel.F32_VECTORS == 2 ? MicroKernel.MR : MicroKernel.MR_WIDE, MicroKernel.NR_F32,
                MicroKernel.MR, MicroKernel.NR, Simd.REGISTERS);
    }

    @ParameterizedTest(name = "{0}x{1}x{2}")
    @CsvSource({
        "1,1,1", "1,1,7", "1,7,1", "7,1,1", "2,3,5", "7,13,17", "6,16,8", "5,15,9", "13,17,31", "16,16,16",
        "37,41,43", "1,384,1536", "3,1536,384", "17,384,384", "64,97,33", "100,257,129", "127,129,131",
        "200,300,250", "301,513,67", "64,1000,40", "0,5,3", "5,0,3", "5,3,0", "0,0,0"})
    void matchesReferenceOnRandomShapes(int m, int k, int n) {
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom rnd = new SplittableRandom(m * 1_000_003L + k * 1009L + n);
            Tensor a = Tensors.random(arena, rnd, m, k);
            Tensor b = Tensors.random(arena, rnd, k, n);
            Tensor bt = b.t().copy(arena); // [N,K] for matmulTransB
            for (ComputePool pool : new ComputePool[] {ComputePool.shared(), THREE}) {
                Tensor c = Tensors.random(arena, rnd, m, n); // garbage: the product must overwrite it
                MatMul.matmul(a, b, c, pool);
                assertClose(arena, a, b, c, k);
                Tensor c2 = Tensors.random(arena, rnd, m, n);
                MatMul.matmulTransB(a, bt, c2, pool);
                assertClose(arena, a, b, c2, k);
            }
        }
    }

    /**
     * Products over a weight packed at load time, with the fused epilogue, on the same edge shapes:
     * within the error bound of the reference, and bit-identical to the unfused passes they replace
     * (per-call packing of Wᵀ, then Add.bias, Add.inPlace / Gelu.apply), since they do the same
     * float operations in the same order.
     */
    @ParameterizedTest(name = "{0}x{1}x{2}")
    @CsvSource({
        "1,1,1", "1,1,7", "1,7,1", "7,1,1", "2,3,5", "7,13,17", "6,16,8", "8,16,32", "5,15,9", "9,33,65",
        "13,17,31", "16,16,16", "16,384,384", "37,41,43", "1,384,1536", "3,1536,384", "17,384,384", "64,97,33",
        "100,257,129", "127,129,131", "128,384,1536", "301,513,67", "0,5,3", "5,3,0"})
    void packedWeightWithEpilogueMatchesTheUnfusedPasses(int m, int k, int n) {
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom rnd = new SplittableRandom(m * 7_000_003L + k * 31L + n);
            Tensor a = Tensors.random(arena, rnd, m, k);
            Tensor w = Tensors.random(arena, rnd, n, k);
            Tensor bias = Tensors.random(arena, rnd, n);
            Tensor residual = Tensors.random(arena, rnd, m, n);
            PackedWeight packed = PackedWeight.ofTransposed(w);
            assertThat(packed.rows()).isEqualTo(k);
            assertThat(packed.columns()).isEqualTo(n);
            for (ComputePool pool : new ComputePool[] {ComputePool.shared(), THREE}) {
                Tensor plain = Tensors.random(arena, rnd, m, n);
                MatMul.matmul(a, packed, Epilogue.NONE, null, plain, pool);
                assertClose(arena, a, w.t(), plain, k);
                Tensor unfused = Tensor.allocate(arena, m, n);
                MatMul.matmulTransB(a, w, unfused, pool);
                assertBitIdentical(plain, unfused);

                Add.bias(unfused, bias);
                Add.inPlace(unfused, residual);
                Tensor fused = Tensors.random(arena, rnd, m, n);
                MatMul.matmul(a, packed, new Epilogue(bias, Epilogue.Activation.IDENTITY), residual, fused, pool);
                assertBitIdentical(fused, unfused);
                Tensor inPlace = residual.copy(arena); // C += a·W + bias, the residual being C itself
                MatMul.matmul(a, packed, new Epilogue(bias, Epilogue.Activation.IDENTITY), inPlace, inPlace, pool);
                assertBitIdentical(inPlace, unfused);

                Tensor gelu = Tensor.allocate(arena, m, n);
                MatMul.matmulTransB(a, w, gelu, pool);
                Add.bias(gelu, bias);
                Gelu.apply(gelu);
                Tensor fusedGelu = Tensors.random(arena, rnd, m, n);
                MatMul.matmul(a, packed, new Epilogue(bias, Epilogue.Activation.GELU), null, fusedGelu, pool);
                assertBitIdentical(fusedGelu, gelu);
            }
        }
    }

    /**
     * The layer norm in the epilogue is {@link LayerNormKernel}'s row run on each row as its task
     * writes it, so it must be bit-identical to the product followed by {@link LayerNormKernel#apply}:
     * on one thread and on a tall A (tasks own whole rows: the norm runs in them), and on a short A
     * on several threads (tasks split the columns: the norm runs as a pass of its own); with M not a
     * multiple of the tile, N not a multiple of the vector, GELU before the norm, an int8 weight
     * (its scales in the epilogue; widened whole once past 16 row panels: 301 and 600 rows), and the
     * residual being C.
     */
    @ParameterizedTest(name = "{0}x{1}x{2}")
    @CsvSource({
        "1,7,1", "1,16,384", "2,3,5", "7,13,17", "13,384,384", "16,384,384", "17,33,65", "64,97,33",
        "100,257,129", "127,129,131", "301,513,67", "600,64,40"})
    void layerNormInTheEpilogueIsTheSeparatePassBitForBit(int m, int k, int n) {
        try (Arena arena = Arena.ofConfined(); ComputePool one = ComputePool.create(1)) {
            SplittableRandom rnd = new SplittableRandom(m * 5_000_011L + k * 53L + n);
            Tensor a = Tensors.random(arena, rnd, m, k);
            Tensor w = Tensors.random(arena, rnd, n, k);
            Tensor bias = Tensors.random(arena, rnd, n);
            Tensor residual = Tensors.random(arena, rnd, m, n);
            Tensor gamma = Tensors.random(arena, rnd, n), beta = Tensors.random(arena, rnd, n);
            float eps = 1e-5f;
            for (PackedWeight packed : new PackedWeight[] {PackedWeight.ofTransposed(w), PackedWeight.int8OfTransposed(w)}) {
                for (ComputePool pool : new ComputePool[] {one, ComputePool.shared(), THREE}) {
                    for (Epilogue.Activation activation : Epilogue.Activation.values()) {
                        Epilogue epilogue = new Epilogue(bias, activation);
                        Tensor separate = Tensor.allocate(arena, m, n);
                        MatMul.matmul(a, packed, epilogue, residual, separate, pool);
                        LayerNormKernel.apply(separate, gamma, beta, eps);
                        Tensor fused = Tensors.random(arena, rnd, m, n);
                        MatMul.matmul(a, packed, epilogue.thenLayerNorm(gamma, beta, eps), residual, fused, pool);
                        assertBitIdentical(fused, separate);
                        if (activation == Epilogue.Activation.IDENTITY) {
                            Tensor inPlace = residual.copy(arena); // C = LayerNorm(C + a·W + bias)
                            MatMul.matmul(a, packed, epilogue.thenLayerNorm(gamma, beta, eps), inPlace, inPlace, pool);
                            assertBitIdentical(inPlace, separate);
                        }
                    }
                }
            }
        }
    }

    @Test
    void packedWeightWritesStridedOutputsThroughTheEpilogue() {
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom rnd = new SplittableRandom(5);
            int m = 19, k = 37, n = 41;
            Tensor a = Tensors.random(arena, rnd, k, m).t();
            Tensor w = Tensors.random(arena, rnd, k, n); // [K, N]: packed as is
            Tensor bias = Tensors.random(arena, rnd, n);
            Tensor residual = Tensors.random(arena, rnd, n, m).t();
            Tensor expected = Tensor.allocate(arena, m, n);
            MatMul.matmul(a, w, expected);
            Add.bias(expected, bias);
            Tensor cT = Tensor.allocate(arena, n, m).t(); // column-major C
            MatMul.matmul(a, PackedWeight.of(w), new Epilogue(bias, Epilogue.Activation.GELU), residual, cT);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    float sum = expected.get(i, j) + residual.get(i, j);
                    float g = (float) (0.5 * sum * GeluReference.erfc(-sum / Math.sqrt(2)));
                    assertThat(cT.get(i, j)).as("C[%d,%d]", i, j).isCloseTo(g, org.assertj.core.data.Offset.offset(1e-5f));
                }
            }
        }
    }

    /**
     * W laid out as a checkpoint stores it (rows, possibly from an offset into a larger segment) and
     * as a strided view, each packed alike: every element where {@link PackedWeight#get} finds it,
     * including partial last panels.
     */
    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"1,1", "5,3", "64,7", "65,384", "130,33", "384,1536"})
    void packedTransposedWeightHoldsEveryElementWhateverTheLayout(int n, int k) {
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom rnd = new SplittableRandom(n * 31L + k);
            Tensor stored = Tensors.random(arena, rnd, n + 3, k).slice(0, 2, n + 2); // contiguous, from an offset
            Tensor strided = Tensors.random(arena, rnd, k, n).t();
            for (Tensor w : new Tensor[] {stored, strided}) {
                PackedWeight packed = PackedWeight.ofTransposed(w);
                assertThat(packed.rows()).isEqualTo(k);
                assertThat(packed.columns()).isEqualTo(n);
                for (int j = 0; j < n; j++) {
                    for (int p = 0; p < k; p++) assertThat(packed.get(p, j)).as("[%d, %d]", p, j).isEqualTo(w.get(j, p));
                }
            }
        }
    }

    @Test
    void packedWeightRejectsMismatchedOperands() {
        try (Arena arena = Arena.ofConfined()) {
            PackedWeight w = PackedWeight.ofTransposed(Tensor.allocate(arena, 6, 4)); // K 4, N 6
            Tensor a = Tensor.allocate(arena, 3, 4);
            assertThatThrownBy(() -> MatMul.matmul(Tensor.allocate(arena, 3, 5), w, Epilogue.NONE, null, Tensor.allocate(arena, 3, 6)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inner dimensions");
            assertThatThrownBy(() -> MatMul.matmul(a, w, Epilogue.NONE, null, Tensor.allocate(arena, 3, 5)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("C");
            assertThatThrownBy(() -> MatMul.matmul(a, w, new Epilogue(Tensor.allocate(arena, 5), Epilogue.Activation.IDENTITY),
                    null, Tensor.allocate(arena, 3, 6)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bias");
            assertThatThrownBy(() -> MatMul.matmul(a, w, Epilogue.NONE, Tensor.allocate(arena, 2, 6), Tensor.allocate(arena, 3, 6)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("residual");
            Epilogue normOf5 = Epilogue.NONE.thenLayerNorm(Tensor.allocate(arena, 5), Tensor.allocate(arena, 5), 1e-5f);
            assertThatThrownBy(() -> MatMul.matmul(a, w, normOf5, null, Tensor.allocate(arena, 3, 6)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("layer norm over 5 columns");
            Epilogue normOf6 = Epilogue.NONE.thenLayerNorm(Tensor.allocate(arena, 6), Tensor.allocate(arena, 6), 1e-5f);
            assertThatThrownBy(() -> MatMul.matmul(a, w, normOf6, null, Tensor.allocate(arena, 6, 3).t()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unit stride");
            assertThatThrownBy(() -> normOf6.thenLayerNorm(Tensor.allocate(arena, 6), Tensor.allocate(arena, 6), 1e-5f))
                    .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> Epilogue.NONE.thenLayerNorm(Tensor.allocate(arena, 6), Tensor.allocate(arena, 5), 1e-5f))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("beta");
            assertThatThrownBy(() -> PackedWeight.ofTransposed(Tensor.allocate(arena, 24)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2-D");
        }
    }

    /**
     * With several threads B is packed by ranges of its rows and C by blocks of rows, in whatever
     * order the tasks run; every element is still one FMA chain per K slice with the slices added in
     * order. So a per-call product has the bits of the product over the same B packed as a weight,
     * on one thread and on three, on every repeat, B transposed or not (several row blocks sharing
     * every B panel, three K slices, a partial last panel): whole (211×1100×197), and one K slice at
     * a time where B reaches {@link MatMul#SLICE_K_FROM} (20×1100×1000, 100×1100×1000), C adding
     * each slice's sum through the epilogue, the same additions in the same order as the
     * micro-kernel's. On two threads, where the tasks split A's rows, each thread packs a copy of B
     * of its own (211×1100×197, 100×1100×1000); a short A split along N shares one (20×1100×1000).
     */
    @ParameterizedTest(name = "{0}x{1}x{2}, K slice by slice: {3}, B packed per thread on 2: {4}")
    @CsvSource({"211,1100,197,false,true", "20,1100,1000,true,false", "100,1100,1000,true,true"})
    void perCallProductIsTheSameBitsOnAnyThreadCount(int m, int k, int n, boolean kSliceBySlice, boolean bPerThread) {
        assertThat(MatMul.runsKSliceBySlice(k, n)).isEqualTo(kSliceBySlice);
        assertThat(MatMul.packsBPerThread(m, k, n, TWO)).isEqualTo(bPerThread);
        assertThat(MatMul.packsBPerThread(m, k, n, THREE)).isFalse();
        try (Arena arena = Arena.ofConfined(); ComputePool one = ComputePool.create(1)) {
            SplittableRandom rnd = new SplittableRandom(17);
            Tensor a = Tensors.random(arena, rnd, m, k);
            Tensor b = Tensors.random(arena, rnd, k, n);
            Tensor bt = b.t().copy(arena);
            Tensor expected = Tensor.allocate(arena, m, n);
            MatMul.matmul(a, PackedWeight.of(b), Epilogue.NONE, null, expected, one);
            assertClose(arena, a, b, expected, k);
            for (ComputePool pool : new ComputePool[] {one, TWO, TWO, TWO, THREE, THREE, THREE}) {
                Tensor c = Tensors.random(arena, rnd, m, n);
                MatMul.matmul(a, b, c, pool);
                assertBitIdentical(c, expected);
                Tensor ct = Tensors.random(arena, rnd, m, n);
                MatMul.matmulTransB(a, bt, ct, pool);
                assertBitIdentical(ct, expected);
            }
        }
    }

    /**
     * A task packs its rows of A for all K slices at once up to four slices, slice by slice beyond,
     * and a short A split along N is packed whole once. Each way must read every element where the
     * view has it: a sliced view (rows further apart than K, starting mid-row) and a transposed one,
     * with a partial last K slice and a partial last row tile, give the bits of their contiguous
     * copy, per-call and over a packed weight, on three threads (16 rows: the split along N).
     */
    @ParameterizedTest
    @CsvSource({"75,1100,70", "16,1100,200", "75,2600,40", "16,2600,40"})
    void packsEveryKSliceOfAnyLayoutOfA(int m, int k, int n) {
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom rnd = new SplittableRandom(23);
            Tensor b = Tensors.random(arena, rnd, k, n);
            PackedWeight w = PackedWeight.of(b);
            Tensor sliced = Tensors.random(arena, rnd, m + 2, k + 7).slice(0, 1, m + 1).slice(1, 3, k + 3);
            Tensor transposed = Tensors.random(arena, rnd, k, m).t();
            for (Tensor a : new Tensor[] {sliced, transposed}) {
                Tensor contiguous = a.copy(arena);
                Tensor expected = Tensor.allocate(arena, m, n);
                MatMul.matmul(contiguous, b, expected, THREE);
                assertClose(arena, contiguous, b, expected, k);
                Tensor perCall = Tensors.random(arena, rnd, m, n);
                MatMul.matmul(a, b, perCall, THREE);
                assertBitIdentical(perCall, expected);
                Tensor packed = Tensors.random(arena, rnd, m, n);
                MatMul.matmul(a, w, Epilogue.NONE, null, packed, THREE);
                assertBitIdentical(packed, expected);
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

    /**
     * Large products take the per-call path's two other routes: K·N beyond the packing budget (4M
     * floats) with K within one slice runs in several N chunks (7×300×14000); K·N from 1M floats
     * with K beyond one slice runs slice by slice, C summing the slices through the epilogue
     * (7×2048×2049, four slices). The reference here is a plain double loop over arrays, since the
     * tensor-based one would take seconds at these sizes. Same error bound as everywhere else.
     */
    @ParameterizedTest(name = "{0}x{1}x{2}")
    @CsvSource({"7,300,14000", "7,2048,2049"})
    void runsLargeProductsInChunksOrKSlices(int m, int k, int n) {
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom rnd = new SplittableRandom(13);
            Tensor a = Tensors.random(arena, rnd, m, k);
            Tensor bt = Tensors.random(arena, rnd, n, k);
            Tensor c = Tensor.allocate(arena, m, n);
            MatMul.matmulTransB(a, bt, c);
            float[] av = a.toArray(), bv = bt.toArray(), cv = c.toArray();
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double exact = 0, magnitude = 0;
                    for (int p = 0; p < k; p++) {
                        exact += (double) av[i * k + p] * bv[j * k + p];
                        magnitude += Math.abs((double) av[i * k + p] * bv[j * k + p]);
                    }
                    double bound = (k + 1) * U * magnitude;
                    if (!(Math.abs(cv[i * n + j] - exact) <= bound)) {
                        assertThat((double) cv[i * n + j]).as("C[%d,%d]", i, j).isEqualTo(exact);
                    }
                }
            }
        }
    }

    @Test
    void acceptsTransposedAndSlicedViews() {
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom rnd = new SplittableRandom(7);
            int m = 45, k = 71, n = 53;
            Tensor aT = Tensors.random(arena, rnd, k, m).t();               // column-major A
            Tensor bT = Tensors.random(arena, rnd, n, k).t();               // column-major B
            Tensor aSlice = Tensors.random(arena, rnd, m + 3, k + 9).slice(0, 2, m + 2).slice(1, 5, k + 5);
            Tensor bSlice = Tensors.random(arena, rnd, k + 4, n + 6).slice(0, 1, k + 1).slice(1, 3, n + 3);
            for (Tensor a : new Tensor[] {aT, aSlice}) {
                for (Tensor b : new Tensor[] {bT, bSlice}) {
                    Tensor big = Tensors.random(arena, rnd, m + 5, n + 7);
                    Tensor cSlice = big.slice(0, 3, m + 3).slice(1, 2, n + 2);
                    float[] before = big.toArray();
                    MatMul.matmul(a, b, cSlice);
                    assertClose(arena, a, b, cSlice, k);
                    assertOutsideUntouched(big, before, 3, m + 3, 2, n + 2);
                    Tensor cT = Tensor.allocate(arena, n, m).t();           // column-major C
                    MatMul.matmul(a, b, cT);
                    assertClose(arena, a, b, cT, k);
                }
            }
        }
    }

    @Test
    void batchedMatchesReferenceOnViews() {
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom rnd = new SplittableRandom(11);
            int batch = 5, m = 19, k = 32, n = 23;
            Tensor a = Tensors.random(arena, rnd, batch, m, k);
            Tensor b = Tensors.random(arena, rnd, batch, n, k).transpose(1, 2); // keys-transposed, as attention
            Tensor c = Tensor.allocate(arena, batch, m, n);
            MatMul.batched(a, b, c);
            for (int i = 0; i < batch; i++) assertClose(arena, a.get0(i), b.get0(i), c.get0(i), k);
            Tensor empty = Tensor.allocate(arena, 0, m, n);
            MatMul.batched(Tensor.allocate(arena, 0, m, k), Tensor.allocate(arena, 0, k, n), empty);
        }
    }

    @Test
    void rejectsShapeMismatchesClearly() {
        try (Arena arena = Arena.ofConfined()) {
            Tensor a = Tensor.allocate(arena, 3, 4);
            assertThatThrownBy(() -> MatMul.matmul(a, Tensor.allocate(arena, 5, 2), Tensor.allocate(arena, 3, 2)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inner dimensions");
            assertThatThrownBy(() -> MatMul.matmul(a, Tensor.allocate(arena, 4, 2), Tensor.allocate(arena, 2, 3)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("C");
            assertThatThrownBy(() -> MatMul.matmulTransB(a, Tensor.allocate(arena, 2, 5), Tensor.allocate(arena, 3, 2)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inner dimensions");
            assertThatThrownBy(() -> MatMul.matmul(Tensor.allocate(arena, 12), Tensor.allocate(arena, 4, 2),
                    Tensor.allocate(arena, 3, 2)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2-D");
            assertThatThrownBy(() -> MatMul.batched(Tensor.allocate(arena, 2, 3, 4), Tensor.allocate(arena, 3, 4, 5),
                    Tensor.allocate(arena, 2, 3, 5)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batch");
        }
    }

    /** Checks c against the reference within γ_K·(|A|·|B|) per element (see the class comment). */
    static void assertClose(Arena arena, Tensor a, Tensor b, Tensor c, int k) {
        int m = a.dim(0), n = b.dim(1);
        Tensor expected = Tensor.allocate(arena, m, n);
        MatMulReference.matmul(a, b, expected);
        Tensor magnitude = Tensor.allocate(arena, m, n);
        MatMulReference.matmul(Tensors.abs(arena, a), Tensors.abs(arena, b), magnitude);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double bound = (k + 1) * U * magnitude.get(i, j) + Float.MIN_NORMAL;
                double err = Math.abs((double) c.get(i, j) - expected.get(i, j));
                if (!(err <= bound)) {
                    assertThat(c.get(i, j)).as("C[%d,%d] of %dx%dx%d (bound %g)", i, j, m, k, n, bound)
                            .isEqualTo(expected.get(i, j));
                }
            }
        }
    }

    private static void assertOutsideUntouched(Tensor big, float[] before, int r0, int r1, int c0, int c1) {
        float[] after = big.toArray();
        int cols = big.dim(1);
        for (int i = 0; i < big.dim(0); i++) {
            for (int j = 0; j < cols; j++) {
                boolean inside = i >= r0 && i < r1 && j >= c0 && j < c1;
                if (!inside) assertThat(after[i * cols + j]).as("element [%d,%d] outside C", i, j).isEqualTo(before[i * cols + j]);
            }
        }
    }
}
