package dev.javelin.nn;

import dev.javelin.kernels.Epilogue;
import dev.javelin.kernels.MatMul;
import dev.javelin.kernels.PackedWeight;
import dev.javelin.tensor.Tensor;
import java.lang.foreign.Arena;
import java.util.Arrays;

/**
 * A LoRA update applied beside a linear layer instead of merged into it (Hu et al. 2021):
 * Δy = s·B·(A·x) with A [r, in], B [out, r]. Two thin products cost about 2r/in of the layer's
 * own, and the layer's weight stays the base model's, so one packed copy of the base serves both the
 * base model and the adapted one. s is folded into B as it is packed. Immutable and thread-safe.
 */
public final class LowRankDelta {
    private final PackedWeight down;
    private final PackedWeight up;

    /** {@code a} [r, in], {@code b} [out, r]; both are copied (packed). */
    public LowRankDelta(Tensor a, Tensor b, float scale) {
        if (a.rank() != 2 || b.rank() != 2 || b.dim(1) != a.dim(0)) {
            throw new IllegalArgumentException("LoRA A must be [r, in] and B [out, r], got A " + Arrays.toString(a.shape())
                    + " and B " + Arrays.toString(b.shape()));
        }
        if (!Float.isFinite(scale)) throw new IllegalArgumentException("LoRA scale must be finite, got " + scale);
        this.down = PackedWeight.ofTransposed(a);
        try (Arena arena = Arena.ofConfined()) {
            float[] scaled = b.toArray();
            for (int i = 0; i < scaled.length; i++) scaled[i] *= scale;
            this.up = PackedWeight.ofTransposed(Tensor.of(arena, scaled, b.dim(0), b.dim(1)));
        }
    }

    /**
     * The update of a layer that stacks several along its outputs (Q, K and V in one product): A
     * stacked over the parts' ranks and B block-diagonal, so one pair of products serves them all.
     * {@code a[i]}/{@code b[i]} null: part i is not adapted (its block of B is zero).
     *
     * @param outs each part's outputs, in stacking order
     */
    public static LowRankDelta stacked(Tensor[] a, Tensor[] b, int[] outs, float scale) {
        int in = -1, rank = 0, out = 0;
        for (int i = 0; i < outs.length; i++) {
            if ((a[i] == null) != (b[i] == null)) throw new IllegalArgumentException("LoRA part " + i + " has only one of A and B");
            if (a[i] == null) continue;
            if (in >= 0 && a[i].dim(1) != in) throw new IllegalArgumentException("LoRA parts disagree on the input width");
            in = a[i].dim(1);
            rank += a[i].dim(0);
        }
        if (in < 0) throw new IllegalArgumentException("no part of the stacked layer is adapted");
        for (int o : outs) out += o;
        float[] stackedA = new float[rank * in], blockB = new float[out * rank];
        int r0 = 0, o0 = 0;
        for (int i = 0; i < outs.length; i++) {
            if (a[i] != null) {
                int r = a[i].dim(0);
                a[i].requireShape("LoRA A of part " + i, r, in);
                b[i].requireShape("LoRA B of part " + i, outs[i], r);
                System.arraycopy(a[i].toArray(), 0, stackedA, r0 * in, r * in);
                float[] bv = b[i].toArray();
                for (int o = 0; o < outs[i]; o++) System.arraycopy(bv, o * r, blockB, (o0 + o) * rank + r0, r);
                r0 += r;
            }
            o0 += outs[i];
        }
        try (Arena arena = Arena.ofConfined()) {
            return new LowRankDelta(Tensor.of(arena, stackedA, rank, in), Tensor.of(arena, blockB, out, rank), scale);
        }
    }

    public int inFeatures() { return down.rows(); }

    public int outFeatures() { return up.columns(); }

    public int rank() { return down.columns(); }

    /**
     * y [rows, out] ← activation(y + s·(x [rows, in]·Aᵀ)·Bᵀ): the second product takes y as its
     * residual, so the only scratch is the rank-wide [rows, r] intermediate, allocated in {@code arena}.
     */
    public void addTo(Tensor x, Tensor y, Epilogue.Activation activation, Arena arena) {
        Tensor low = Tensor.allocate(arena, x.dim(0), rank());
        MatMul.matmul(x, down, Epilogue.NONE, null, low);
        MatMul.matmul(low, up, activation == Epilogue.Activation.IDENTITY ? Epilogue.NONE : new Epilogue(null, activation), y, y);
    }
}
