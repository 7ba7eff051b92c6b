package dev.javelin.kernels;

import static dev.javelin.kernels.MicroKernel.NR;

import dev.javelin.tensor.Tensor;
import java.util.Arrays;

/**
 * A constant right-hand matmul operand (a layer's weight), laid out once, when the model loads, in
 * the panel layout the {@link MicroKernel} streams, so no product over it packs anything again.
 * The layout is private to the kernels: callers build one with {@link #ofTransposed} or {@link #of}
 * and hand it to {@link MatMul#matmul(Tensor, PackedWeight, Epilogue, Tensor, Tensor, ComputePool)}.
 * A lower-precision variant (int8/bf16 panels with scales) is meant to slot in here, behind the
 * same factory methods and the same product.
 *
 * <p>Layout: for B [K, N], panel jp holds columns [jp·NR, (jp+1)·NR) as NR consecutive floats per
 * k, at {@code jp·K·NR}; columns past N are zero. That is exactly the B chunk {@link MatMul} packs
 * per call for an activation operand, so both paths share the blocked product.
 */
public final class PackedWeight {
    final float[] panels;
    final int k;
    final int n;

    private PackedWeight(float[] panels, int k, int n) {
        this.panels = panels;
        this.k = k;
        this.n = n;
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
        int panelsN = (n + NR - 1) / NR;
        long size = (long) panelsN * NR * k;
        if (size > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("weight " + Arrays.toString(b.shape()) + " is too large to pack ("
                    + size + " floats; at most " + (Integer.MAX_VALUE - 64) + ")");
        }
        float[] panels = new float[(int) size];
        Packing.packB(Simd.shareable(b.segment()), b.offset(), b.stride(0), b.stride(1), k, 0, n, 0, panelsN, panels);
        return new PackedWeight(panels, k, n);
    }

    /** K: the length of the rows of A it multiplies. */
    public int rows() {
        return k;
    }

    /** N: the columns of the product. */
    public int columns() {
        return n;
    }

    /** Heap bytes held by the packed panels. */
    public long bytes() {
        return (long) panels.length * Float.BYTES;
    }
}
