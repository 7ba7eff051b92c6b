package dev.javelin.kernels;

import static dev.javelin.kernels.MicroKernel.NR;
import static dev.javelin.kernels.MicroKernel.NR_F32;

import dev.javelin.tensor.DType;
import dev.javelin.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Objects;

/**
 * A constant right-hand matmul operand (a layer's weight), laid out once, when the model loads, in
 * the panel layout the {@link MicroKernel} streams, so no product over it packs anything again.
 * The layout is private to the kernels: callers build one with a factory and hand it to
 * {@link MatMul#matmul(Tensor, PackedWeight, Epilogue, Tensor, Tensor, ComputePool)}.
 *
 * <p>Layout: for B [K, N], panel jp holds columns [jp·nr, (jp+1)·nr) as nr consecutive elements
 * per k, at {@code jp·K·nr}; columns past N are zero. The panel width nr is the F32 tile's
 * ({@link MicroKernel#NR_F32}) for F32 and two vectors ({@link MicroKernel#NR}) for the narrow
 * formats. For F32 that is exactly the B chunk
 * {@link MatMul} packs per call for an activation operand, so both paths share the blocked product.
 * The same layout holds the lower-precision formats, which the micro-kernel widens to F32 in
 * registers as it loads them, so a forward pass streams 1 or 2 bytes per weight instead of 4:
 * <ul>
 *   <li>{@link Format#INT8}: symmetric int8 with one scale per column of B (per output channel of a
 *       linear layer); the kernel sums A·q in F32 and the epilogue multiplies each column by its
 *       scale, which is the dequantized product since the scale is constant along K;</li>
 *   <li>{@link Format#BF16} and {@link Format#F16}: 16-bit floats as stored, widened exactly.</li>
 * </ul>
 */
public final class PackedWeight {
    /** How the panels store each weight. */
    public enum Format {
        F32(4), BF16(2), F16(2), INT8(1);

        private final int bytes;

        Format(int bytes) { this.bytes = bytes; }

        /** Bytes per weight in the panels. */
        public int bytes() { return bytes; }
    }

    /**
     * Narrow panels are read a whole 64-bit vector at a time even where a panel row is narrower
     * (128-bit float vectors), so the arrays carry this many bytes of slack past the last panel.
     */
    private static final int SLACK = 8;

    final Format format;
    final float[] panels;
    final short[] halfPanels;
    final byte[] bytePanels;
    /** INT8 only: the scale of each column, zero past N up to the last panel. */
    final float[] scales;
    final int k;
    final int n;
    /** Columns per panel. */
    final int nr;

    private PackedWeight(Format format, float[] panels, short[] halfPanels, byte[] bytePanels, float[] scales, int k, int n) {
        this(format, panels, halfPanels, bytePanels, scales, k, n, panelWidth(format));
    }

    private PackedWeight(Format format, float[] panels, short[] halfPanels, byte[] bytePanels, float[] scales, int k, int n,
                         int nr) {
        this.nr = nr;
        this.format = format;
        this.panels = panels;
        this.halfPanels = halfPanels;
        this.bytePanels = bytePanels;
        this.scales = scales;
        this.k = k;
        this.n = n;
    }

    /** F32 panels of width {@code nr} that MatMul packed or widened for one call. */
    static PackedWeight perCall(float[] panels, int k, int n, int nr) {
        return new PackedWeight(Format.F32, panels, null, null, null, k, n, nr);
    }

    /** Columns per panel of a weight in {@code format}. */
    static int panelWidth(Format format) {
        return format == Format.F32 ? NR_F32 : NR;
    }

    /** Packs Wᵀ for W [N, K] — PyTorch's [out, in] layout of a linear layer — so that products compute x·Wᵀ. */
    public static PackedWeight ofTransposed(Tensor w) {
        MatMul.requireRank("packed weight", w, 2);
        return of(w.t());
    }

    /** Packs B [K, N] (any strides). */
    public static PackedWeight of(Tensor b) {
        MatMul.requireRank("packed weight", b, 2);
        int k = b.dim(0), n = b.dim(1);
        int panelsN = (n + NR_F32 - 1) / NR_F32;
        float[] panels = new float[panelSize(k, n, NR_F32, Arrays.toString(b.shape()))];
        Packing.packB(Simd.shareable(b.segment()), b.offset(), b.stride(0), b.stride(1), k, 0, k, 0, n, 0, panelsN, NR_F32,
                panels);
        return new PackedWeight(Format.F32, panels, null, null, null, k, n);
    }

    /**
     * Quantizes W [N, K] to symmetric per-row int8 ({@link SymmetricInt8}) and packs Wᵀ: a linear
     * layer's weight quantized on load.
     */
    public static PackedWeight int8OfTransposed(Tensor w) {
        MatMul.requireRank("packed weight", w, 2);
        return int8(SymmetricInt8.quantizeRows(w));
    }

    /** Packs Wᵀ for an int8 W [N, K] already quantized, as a quantized checkpoint stores it. */
    public static PackedWeight int8(SymmetricInt8.Quantized w) {
        int n = w.rows(), k = w.cols();
        byte[] panels = new byte[panelSize(k, n, NR, "[" + n + ", " + k + "]") + SLACK];
        float[] scales = new float[roundUp(n, NR)];
        System.arraycopy(w.scales(), 0, scales, 0, n);
        byte[] q = w.values();
        for (int j = 0; j < n; j++) {
            int base = j / NR * k * NR + j % NR;
            for (int p = 0; p < k; p++) panels[base + p * NR] = q[j * k + p];
        }
        return new PackedWeight(Format.INT8, null, null, panels, scales, k, n);
    }

    /** Rounds W [N, K] to bf16 (nearest, ties to even) and packs Wᵀ: a linear layer's weight narrowed on load. */
    public static PackedWeight bf16OfTransposed(Tensor w) {
        MatMul.requireRank("packed weight", w, 2);
        int n = w.dim(0), k = w.dim(1);
        short[] panels = new short[panelSize(k, n, NR, Arrays.toString(w.shape())) + SLACK];
        float[] all = w.toArray(); // one bulk copy: Tensor.get would allocate an index array per weight
        for (int j = 0; j < n; j++) {
            int base = j / NR * k * NR + j % NR;
            for (int p = 0; p < k; p++) panels[base + p * NR] = BFloat16.fromFloat(all[j * k + p]);
        }
        return new PackedWeight(Format.BF16, null, panels, null, null, k, n);
    }

    /**
     * Packs Wᵀ for W [N, K] stored as 16-bit floats ({@link DType#BF16} or {@link DType#F16}),
     * little-endian and row-major from byte {@code offset} of {@code raw}, as a checkpoint holds them,
     * without widening them to F32.
     */
    public static PackedWeight halfOfTransposed(MemorySegment raw, long offset, DType dtype, int n, int k) {
        if (dtype != DType.BF16 && dtype != DType.F16) throw new IllegalArgumentException("16-bit weights must be BF16 or F16, got " + dtype);
        if (raw.byteSize() - offset < 2L * n * k) {
            throw new IllegalArgumentException(dtype + " weight [" + n + ", " + k + "] needs " + 2L * n * k + " bytes, got "
                    + (raw.byteSize() - offset));
        }
        short[] panels = new short[panelSize(k, n, NR, "[" + n + ", " + k + "]") + SLACK];
        ValueLayout.OfShort layout = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(Simd.LE);
        for (int j = 0; j < n; j++) {
            int base = j / NR * k * NR + j % NR;
            long row = offset + 2L * j * k;
            for (int p = 0; p < k; p++) {
                short bits = raw.get(layout, row + 2L * p);
                // the in-register F16 widening maps exponent 31 to a finite number, so refuse it here
                if (dtype == DType.F16 && (bits & 0x7c00) == 0x7c00) {
                    throw new IllegalArgumentException("F16 weight [" + n + ", " + k + "] has " + Float.float16ToFloat(bits)
                            + " at [" + j + ", " + p + "]; only finite weights are supported");
                }
                panels[base + p * NR] = bits;
            }
        }
        return new PackedWeight(dtype == DType.BF16 ? Format.BF16 : Format.F16, null, panels, null, null, k, n);
    }

    /**
     * B = [B₁ | B₂ | …]: packed weights of the same K and format side by side along N, as one
     * weight — e.g. a layer's Q, K and V projections, so that one product (one pass over A, one
     * hand-off to the pool) replaces three. Each column keeps its values (and int8 scale) bit for
     * bit, so the product equals the separate ones.
     */
    public static PackedWeight stackColumns(PackedWeight... parts) {
        if (parts.length == 0) throw new IllegalArgumentException("stackColumns needs at least one weight");
        Format format = parts[0].format;
        int k = parts[0].k, nr = panelWidth(format);
        long total = 0;
        for (PackedWeight p : parts) {
            if (p.format != format || p.k != k) {
                throw new IllegalArgumentException("stacked weights must share K and format: [" + k + ", " + parts[0].n + "] "
                        + format + " and [" + p.k + ", " + p.n + "] " + p.format);
            }
            total += p.n;
        }
        if (total > Integer.MAX_VALUE - nr) throw new IllegalArgumentException("stacked weight has " + total + " columns");
        int n = (int) total;
        int size = panelSize(k, n, nr, "[" + k + ", " + n + "]") + (format == Format.F32 ? 0 : SLACK);
        Object dst = switch (format) {
            case F32 -> new float[size];
            case BF16, F16 -> new short[size];
            case INT8 -> new byte[size];
        };
        float[] scales = format == Format.INT8 ? new float[roundUp(n, NR)] : null;
        int c = 0;
        for (PackedWeight p : parts) {
            Object src = switch (format) {
                case F32 -> p.panels;
                case BF16, F16 -> p.halfPanels;
                case INT8 -> p.bytePanels;
            };
            if (scales != null) System.arraycopy(p.scales, 0, scales, c, p.n);
            // runs of columns that stay within one panel of the source and one of the result
            for (int j = 0; j < p.n; ) {
                int run = Math.min(Math.min(nr - j % nr, nr - c % nr), p.n - j);
                for (int row = 0; row < k; row++) {
                    System.arraycopy(src, (j / nr * k + row) * nr + j % nr, dst, (c / nr * k + row) * nr + c % nr, run);
                }
                j += run;
                c += run;
            }
        }
        return switch (format) {
            case F32 -> new PackedWeight(format, (float[]) dst, null, null, null, k, n);
            case BF16, F16 -> new PackedWeight(format, null, (short[]) dst, null, null, k, n);
            case INT8 -> new PackedWeight(format, null, null, (byte[]) dst, scales, k, n);
        };
    }

    private static int panelSize(int k, int n, int nr, String shape) {
        long size = (long) roundUp(n, nr) * k;
        if (size > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("weight " + shape + " is too large to pack (" + size + " elements; at most "
                    + (Integer.MAX_VALUE - 64) + ")");
        }
        return (int) size;
    }

    private static int roundUp(int n, int nr) {
        return (n + nr - 1) / nr * nr;
    }

    /** K: the length of the rows of A it multiplies. */
    public int rows() {
        return k;
    }

    /** N: the columns of the product. */
    public int columns() {
        return n;
    }

    public Format format() {
        return format;
    }

    /** Heap bytes held by the packed panels (and scales). */
    public long bytes() {
        return switch (format) {
            case F32 -> (long) panels.length * Float.BYTES;
            case BF16, F16 -> (long) halfPanels.length * Short.BYTES;
            case INT8 -> bytePanels.length + (long) scales.length * Float.BYTES;
        };
    }

    /** Element [row, col] of B as F32, the value products compute with (for references and reports). */
    public float get(int row, int col) {
        Objects.checkIndex(row, k);
        Objects.checkIndex(col, n);
        int i = col / nr * k * nr + row * nr + col % nr;
        return switch (format) {
            case F32 -> panels[i];
            case BF16 -> BFloat16.toFloat(halfPanels[i]);
            case F16 -> Float.float16ToFloat(halfPanels[i]);
            case INT8 -> bytePanels[i] * scales[col];
        };
    }
}
