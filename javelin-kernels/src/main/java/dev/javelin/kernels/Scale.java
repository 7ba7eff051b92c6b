package dev.javelin.kernels;

import static dev.javelin.kernels.Simd.F;
import static dev.javelin.kernels.Simd.LE;

import dev.javelin.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/** x *= s, in place (attention scores by 1/√d). */
public final class Scale {
    private Scale() {}

    public static void apply(Tensor x, float s) {
        Rows.requireContiguousRows("Scale.apply", x);
        MemorySegment seg = Simd.shareable(x.segment());
        int n = Rows.rowLength(x);
        Rows.forEach(x, row -> {
            long base = x.rowOffset(row) * Float.BYTES;
            int i = 0;
            for (int bound = F.loopBound(n); i < bound; i += F.length()) {
                long at = base + (long) i * Float.BYTES;
                FloatVector.fromMemorySegment(F, seg, at, LE).mul(s).intoMemorySegment(seg, at, LE);
            }
            for (; i < n; i++) {
                long at = base + (long) i * Float.BYTES;
                seg.set(Tensor.F32, at, seg.get(Tensor.F32, at) * s);
            }
        });
    }
}
