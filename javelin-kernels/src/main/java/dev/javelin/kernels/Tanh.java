package dev.javelin.kernels;

import static dev.javelin.kernels.Simd.F;
import static dev.javelin.kernels.Simd.LE;

import dev.javelin.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * x = tanh(x), in place (BERT's pooler), as sign(x)·(1 − 2/(e^{2|x|} + 1)) on {@link Exp}: like exp,
 * the Vector API's TANH is a stub under C2 and Math.tanh before it, so results moved with the JIT.
 * The form loses relative accuracy near 0 but stays within a few ulp of 1 in absolute terms, which
 * is what the pooler's following linear layer sees.
 */
public final class Tanh {
    private Tanh() {}

    public static void apply(Tensor x) {
        Rows.requireContiguousRows("Tanh.apply", x);
        MemorySegment seg = Simd.shareable(x.segment());
        int n = Rows.rowLength(x);
        Rows.forEach(x, row -> {
            long base = x.rowOffset(row) * Float.BYTES;
            int i = 0;
            for (int bound = F.loopBound(n); i < bound; i += F.length()) {
                long at = base + (long) i * Float.BYTES;
                FloatVector v = FloatVector.fromMemorySegment(F, seg, at, LE);
                FloatVector t = FloatVector.broadcast(F, 1f).sub(FloatVector.broadcast(F, 2f).div(Exp.exp(v.abs().mul(2f)).add(1f)));
                t.blend(t.neg(), v.compare(VectorOperators.LT, 0f)).intoMemorySegment(seg, at, LE);
            }
            for (; i < n; i++) {
                long at = base + (long) i * Float.BYTES;
                float v = seg.get(Tensor.F32, at);
                seg.set(Tensor.F32, at, Math.copySign(1f - 2f / (Exp.exp(2f * Math.abs(v)) + 1f), v));
            }
        });
    }
}
