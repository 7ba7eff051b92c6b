package dev.javelin.kernels;

import static dev.javelin.kernels.Simd.F;
import static dev.javelin.kernels.Simd.LE;

import dev.javelin.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * Copies matmul operands out of tensors (any strides) into the heap layouts {@link MicroKernel}
 * reads: A as a row-major block, B as column panels of nr floats per k. Heap arrays rather than
 * segments because the micro-kernel's loads from a {@code float[]} compile to bare vector loads
 * once C2 has hoisted the range checks, and packing makes every operand layout look the same, so
 * A·Bᵀ costs what A·B costs.
 */
final class Packing {
    private Packing() {}

    /** The columns of a transposed-B panel on their way into it ({@link #packTransposedPanel}). */
    private static final PackBuffers COLUMNS = new PackBuffers();

    /**
     * Copies A[r0:r1, k0:k0+kc] into {@code dst} from {@code d0}, row-major with row length
     * {@code kc}, then zero rows up to {@code rowsPadded} so a partial last tile multiplies zeros.
     */
    static void packA(MemorySegment a, long aOff, long rs, long cs, int r0, int r1, int k0, int kc,
                      float[] dst, int d0, int rowsPadded) {
        int rows = r1 - r0;
        if (cs == 1) {
            for (int r = 0; r < rows; r++) {
                long src = (aOff + (long) (r0 + r) * rs + k0) * Float.BYTES;
                MemorySegment.copy(a, Tensor.F32, src, dst, d0 + r * kc, kc);
            }
        } else {
            // Column-major or strided A: walk rows of A in the inner loop so reads stay sequential
            // when rs == 1 (a transposed view).
            for (int p = 0; p < kc; p++) {
                long col = aOff + (long) (k0 + p) * cs;
                for (int r = 0; r < rows; r++) {
                    dst[d0 + r * kc + p] = a.getAtIndex(Tensor.F32, col + (long) (r0 + r) * rs);
                }
            }
        }
        Arrays.fill(dst, d0 + rows * kc, d0 + rowsPadded * kc, 0f);
    }

    /**
     * A[r0:r1, 0:k] packed as {@link #packA} packs each K slice of {@code kc} columns, slice k0 at
     * {@code k0·rowsPadded}; a row-major A is read row by row across all the slices, i.e. in one
     * sequential sweep when its rows are adjacent, which the hardware prefetchers follow, where
     * slice by slice it is pieces of {@code kc} floats a whole row apart.
     */
    static void packSlices(MemorySegment a, long aOff, long rs, long cs, int r0, int r1, int k, int kc,
                           float[] dst, int rowsPadded) {
        if (cs != 1) {
            for (int k0 = 0; k0 < k; k0 += kc) {
                packA(a, aOff, rs, cs, r0, r1, k0, Math.min(kc, k - k0), dst, k0 * rowsPadded, rowsPadded);
            }
            return;
        }
        int rows = r1 - r0;
        for (int r = 0; r < rows; r++) {
            long src = (aOff + (long) (r0 + r) * rs) * Float.BYTES;
            for (int k0 = 0; k0 < k; k0 += kc) {
                int w = Math.min(kc, k - k0);
                MemorySegment.copy(a, Tensor.F32, src + (long) k0 * Float.BYTES, dst, k0 * rowsPadded + r * w, w);
            }
        }
        for (int k0 = 0; k0 < k; k0 += kc) {
            int w = Math.min(kc, k - k0);
            Arrays.fill(dst, k0 * rowsPadded + rows * w, k0 * rowsPadded + rowsPadded * w, 0f);
        }
    }

    /**
     * Packs rows [k0, k0 + kc) of B[0:k, c0 + jp·nr …] for panels {@code [p0, p1)} into {@code dst}:
     * panel jp holds, for each k, nr consecutive floats (zero past column {@code c1}), at
     * {@code jp·k·nr}, so its rows from k0 start at {@code (jp·k + k0)·nr}; nr is a multiple of the
     * vector length.
     *
     * <p>A row-major B is read row by row across all the full panels asked for: walking one panel
     * down K instead reads nr floats per row of B, one page apart for a 1024-wide B, and measured
     * latency-bound (~5 GB/s) on the EPYC.
     */
    static void packB(MemorySegment b, long bOff, long rs, long cs, int k, int k0, int kc, int c0, int c1, int p0,
                      int p1, int nr, float[] dst) {
        int lanes = F.length();
        int full = Math.min(p1, Math.max(p0, (c1 - c0) / nr)); // panels [p0, full) have nr real columns
        if (cs == 1 && full > p0) {
            for (int p = 0; p < kc; p++) {
                long src = (bOff + (long) (k0 + p) * rs + c0 + (long) p0 * nr) * Float.BYTES;
                for (int jp = p0; jp < full; jp++, src += (long) nr * Float.BYTES) {
                    int d = (jp * k + k0 + p) * nr;
                    for (int v = 0; v < nr; v += lanes) {
                        FloatVector.fromMemorySegment(F, b, src + (long) v * Float.BYTES, LE).intoArray(dst, d + v);
                    }
                }
            }
            p0 = full;
        }
        for (int jp = p0; jp < p1; jp++) {
            int col0 = c0 + jp * nr;
            int cols = Math.min(nr, c1 - col0);
            int base = (jp * k + k0) * nr;
            if (rs == 1) {
                packTransposedPanel(b, bOff + (long) col0 * cs + k0, cs, kc, cols, nr, dst, base);
            } else {
                for (int p = 0; p < kc; p++) {
                    long row = bOff + (long) (k0 + p) * rs;
                    for (int j = 0; j < cols; j++) dst[base + p * nr + j] = b.getAtIndex(Tensor.F32, row + (long) (col0 + j) * cs);
                }
            }
            zeroColumns(dst, base, kc, cols, nr);
        }
    }

    /**
     * One panel of a transposed B (a weight in PyTorch's [out, in] layout, or matmulTransB's B):
     * its {@code cols} columns are contiguous runs of {@code kc} floats, {@code cs} apart from
     * {@code from}. They are copied in bulk into a heap buffer (in one copy where they are adjacent,
     * as in a whole weight) and scattered from there: a model's weights are packed at start-up,
     * before the JIT has compiled this, and the interpreter and C1 spent ~0.5 s in the memory access
     * chain of a per-element read of the mapped segment, where a bulk copy and plain array indexing
     * cost a tenth. Once compiled, the extra pass through the buffer costs a product that packs its B
     * per call ~5% on one thread (docs/kernels.md).
     */
    private static void packTransposedPanel(MemorySegment b, long from, long cs, int kc, int cols, int nr, float[] dst,
                                            int base) {
        float[] columns = COLUMNS.take(cols * kc);
        try {
            if (cs == kc) {
                MemorySegment.copy(b, Tensor.F32, from * Float.BYTES, columns, 0, cols * kc);
            } else {
                for (int j = 0; j < cols; j++) {
                    MemorySegment.copy(b, Tensor.F32, (from + j * cs) * Float.BYTES, columns, j * kc, kc);
                }
            }
            for (int j = 0; j < cols; j++) {
                for (int p = 0, at = base + j; p < kc; p++, at += nr) dst[at] = columns[j * kc + p];
            }
        } finally {
            COLUMNS.give(columns);
        }
    }

    private static void zeroColumns(float[] dst, int base, int k, int cols, int nr) {
        if (cols == nr) return;
        for (int p = 0; p < k; p++) Arrays.fill(dst, base + p * nr + cols, base + (p + 1) * nr, 0f);
    }

    /**
     * Writes rows × cols of a heap C block (row length {@code ldb}) into C at [row0, col0] through the
     * product's epilogue: c = block·scale + bias + residual, then GELU (scale: an int8 weight's
     * per-column scale, which turns the sum of A·q into the dequantized product), then, when the
     * product's tasks own whole rows, the layer norm of each row while it is in L1. Each vector of
     * the residual is read before the same vector of C is written, so the residual may be C itself.
     */
    static void unpackC(float[] src, int ldb, MatMul.Operands o, int row0, int rows, int col0, int cols) {
        MemorySegment c = o.c();
        for (int r = 0; r < rows; r++) {
            long rowAt = o.cOff() + (long) (row0 + r) * o.crs() + (long) col0 * o.ccs();
            long resAt = o.resOff() + (long) (row0 + r) * o.resRs() + (long) col0 * o.resCs();
            int s = r * ldb;
            if (o.ccs() == 1 && o.bias() == null && o.residual() == null && o.scales() == null) {
                MemorySegment.copy(src, s, c, Tensor.F32, rowAt * Float.BYTES, cols);
            } else if (o.ccs() == 1 && (o.residual() == null || o.resCs() == 1)) {
                epilogueRow(src, s, o, rowAt, resAt, col0, cols);
            } else {
                for (int j = 0; j < cols; j++) {
                    float v = src[s + j];
                    if (o.scales() != null) v *= o.scales()[col0 + j];
                    if (o.bias() != null) v += o.bias().getAtIndex(Tensor.F32, o.biasOff() + col0 + j);
                    if (o.residual() != null) v += o.residual().getAtIndex(Tensor.F32, resAt + j * o.resCs());
                    c.setAtIndex(Tensor.F32, rowAt + j * o.ccs(), v);
                }
            }
            if (o.gelu()) {
                if (o.ccs() == 1) {
                    Gelu.row(c, rowAt * Float.BYTES, cols);
                } else {
                    for (int j = 0; j < cols; j++) {
                        long at = rowAt + j * o.ccs();
                        c.setAtIndex(Tensor.F32, at, Gelu.gelu(c.getAtIndex(Tensor.F32, at)));
                    }
                }
            }
            if (o.normalisesRows()) {
                LayerNormKernel.row(c, rowAt * Float.BYTES, cols, o.gamma(), o.gammaBase(), o.beta(), o.betaBase(), o.eps());
            }
        }
    }

    /** One contiguous row of the epilogue: c = src·scale + bias + residual, vectors first. */
    private static void epilogueRow(float[] src, int s, MatMul.Operands o, long rowAt, long resAt, int col0, int cols) {
        MemorySegment c = o.c(), bias = o.bias(), res = o.residual();
        float[] scales = o.scales();
        long biasAt = o.biasOff() + col0;
        int j = 0;
        for (int bound = F.loopBound(cols); j < bound; j += F.length()) {
            FloatVector v = FloatVector.fromArray(F, src, s + j);
            if (scales != null) v = v.mul(FloatVector.fromArray(F, scales, col0 + j));
            if (bias != null) v = v.add(FloatVector.fromMemorySegment(F, bias, (biasAt + j) * Float.BYTES, LE));
            if (res != null) v = v.add(FloatVector.fromMemorySegment(F, res, (resAt + j) * Float.BYTES, LE));
            v.intoMemorySegment(c, (rowAt + j) * Float.BYTES, LE);
        }
        for (; j < cols; j++) {
            float v = src[s + j];
            if (scales != null) v *= scales[col0 + j];
            if (bias != null) v += bias.getAtIndex(Tensor.F32, biasAt + j);
            if (res != null) v += res.getAtIndex(Tensor.F32, resAt + j);
            c.setAtIndex(Tensor.F32, rowAt + j, v);
        }
    }
}
