package dev.javelin.kernels;

import static dev.javelin.kernels.Simd.F;
import static dev.javelin.kernels.Simd.LE;

import dev.javelin.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * The gating of GLU feed-forward blocks (Shazeer 2020): from the two halves of one product
 * [T, 2·I], out = act(activated half) ⊙ other half, [T, I]. GeGLU uses exact GELU, SwiGLU SiLU.
 * Which half is activated is the checkpoint's convention (ModernBERT and Llama-style gate_proj
 * first; GTE and NomicBERT second). {@link GatedLinearUnitReference} is its scalar twin.
 */
public final class GatedLinearUnit {
    private GatedLinearUnit() {}

    /** The activations a gate can apply. */
    public enum Activation { GELU, SILU }

    public static void apply(Tensor in, Tensor out, Activation activation, boolean activateFirst) {
        check(in, out);
        int n = out.dim(1);
        MemorySegment src = Simd.shareable(in.segment()), dst = Simd.shareable(out.segment());
        long halfBytes = (long) n * Float.BYTES;
        Rows.forEach(out, row -> {
            long inBase = in.rowOffset(row) * Float.BYTES, outBase = out.rowOffset(row) * Float.BYTES;
            long act = activateFirst ? inBase : inBase + halfBytes, other = activateFirst ? inBase + halfBytes : inBase;
            MemorySegment.copy(src, act, dst, outBase, halfBytes);
            if (activation == Activation.GELU) Gelu.row(dst, outBase, n); else Silu.row(dst, outBase, n);
            int c = 0;
            for (int bound = F.loopBound(n); c < bound; c += F.length()) {
                long off = (long) c * Float.BYTES;
                FloatVector.fromMemorySegment(F, dst, outBase + off, LE).mul(FloatVector.fromMemorySegment(F, src, other + off, LE))
                        .intoMemorySegment(dst, outBase + off, LE);
            }
            for (; c < n; c++) {
                long off = (long) c * Float.BYTES;
                dst.set(Tensor.F32, outBase + off, dst.get(Tensor.F32, outBase + off) * src.get(Tensor.F32, other + off));
            }
        });
    }

    static void check(Tensor in, Tensor out) {
        if (in.rank() != 2 || out.rank() != 2 || in.dim(0) != out.dim(0) || in.dim(1) != 2 * out.dim(1)) {
            throw new IllegalArgumentException("gated linear unit needs in [T, 2I] and out [T, I], got " + in + " and " + out);
        }
        Rows.requireContiguousRows("GatedLinearUnit input", in);
        Rows.requireContiguousRows("GatedLinearUnit output", out);
    }
}
