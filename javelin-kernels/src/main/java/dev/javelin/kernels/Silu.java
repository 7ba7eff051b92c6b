package dev.javelin.kernels;

import static dev.javelin.kernels.Simd.F;
import static dev.javelin.kernels.Simd.LE;

import dev.javelin.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/** SiLU / swish, x·σ(x) = x / (1 + e^−x), in place. {@link SiluReference} is its scalar twin. */
public final class Silu {
    private Silu() {}

    public static void apply(Tensor x) {
        Rows.requireContiguousRows("Silu.apply", x);
        MemorySegment seg = Simd.shareable(x.segment());
        int n = Rows.rowLength(x);
        Rows.forEach(x, row -> row(seg, x.rowOffset(row) * Float.BYTES, n));
    }

    static void row(MemorySegment seg, long base, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            long at = base + (long) i * Float.BYTES;
            FloatVector x = FloatVector.fromMemorySegment(F, seg, at, LE);
            x.div(Exp.exp(x.neg()).add(1f)).intoMemorySegment(seg, at, LE);
        }
        for (; i < n; i++) {
            long at = base + (long) i * Float.BYTES;
            seg.set(Tensor.F32, at, silu(seg.get(Tensor.F32, at)));
        }
    }

    static float silu(float x) {
        return x / (1f + Exp.exp(-x));
    }
}
