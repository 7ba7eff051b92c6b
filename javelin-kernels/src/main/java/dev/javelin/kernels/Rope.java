package dev.javelin.kernels;

import static dev.javelin.kernels.Simd.F;
import static dev.javelin.kernels.Simd.LE;

import dev.javelin.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * Rotary position embedding (Su et al. 2021) in the "rotate half" form of GPT-NeoX and Hugging Face:
 * within each head, element c of the first half and element c of the second half turn together by
 * angle position·θ_c — x₁' = x₁·cos − x₂·sin, x₂' = x₂·cos + x₁·sin. Applied in place to the packed
 * query or key rows of every head.
 *
 * <p>{@link RopeReference} is the scalar twin the tests compare against.
 */
public final class Rope {
    private Rope() {}

    /**
     * @param x         [T, heads·headDim] with unit stride along the columns (e.g. the query columns of a fused QKV product)
     * @param positions each row's position (T entries)
     * @param cos, sin  tables [positions][headDim / 2], row-major: the angles' cosines and sines
     */
    public static void apply(Tensor x, int heads, int headDim, int[] positions, float[] cos, float[] sin) {
        check(x, heads, headDim, positions, cos, sin);
        int half = headDim / 2;
        MemorySegment seg = Simd.shareable(x.segment());
        Rows.forEach(x, row -> {
            int p = positions[(int) row];
            long base = x.rowOffset(row) * Float.BYTES;
            for (int h = 0; h < heads; h++) rotate(seg, base + (long) h * headDim * Float.BYTES, half, cos, sin, p * half);
        });
    }

    private static void rotate(MemorySegment seg, long at, int half, float[] cos, float[] sin, int t) {
        long second = at + (long) half * Float.BYTES;
        int c = 0;
        for (int bound = F.loopBound(half); c < bound; c += F.length()) {
            long off = (long) c * Float.BYTES;
            FloatVector x1 = FloatVector.fromMemorySegment(F, seg, at + off, LE);
            FloatVector x2 = FloatVector.fromMemorySegment(F, seg, second + off, LE);
            FloatVector cv = FloatVector.fromArray(F, cos, t + c), sv = FloatVector.fromArray(F, sin, t + c);
            x1.mul(cv).sub(x2.mul(sv)).intoMemorySegment(seg, at + off, LE);
            x2.mul(cv).add(x1.mul(sv)).intoMemorySegment(seg, second + off, LE);
        }
        for (; c < half; c++) {
            long off = (long) c * Float.BYTES;
            float x1 = seg.get(Tensor.F32, at + off), x2 = seg.get(Tensor.F32, second + off);
            seg.set(Tensor.F32, at + off, x1 * cos[t + c] - x2 * sin[t + c]);
            seg.set(Tensor.F32, second + off, x2 * cos[t + c] + x1 * sin[t + c]);
        }
    }

    static void check(Tensor x, int heads, int headDim, int[] positions, float[] cos, float[] sin) {
        if (x.rank() != 2 || x.dim(1) != heads * headDim) {
            throw new IllegalArgumentException("rotary embedding input must be [T, " + heads + "·" + headDim + "], got " + x);
        }
        Rows.requireContiguousRows("Rope", x);
        if (headDim % 2 != 0) throw new IllegalArgumentException("rotary embedding needs an even head size, got " + headDim);
        if (positions.length != x.dim(0)) throw new IllegalArgumentException(positions.length + " positions for " + x.dim(0) + " rows");
        if (cos.length != sin.length) throw new IllegalArgumentException("cos and sin tables differ in size");
        int limit = cos.length / (headDim / 2);
        for (int p : positions) {
            if (p < 0 || p >= limit) throw new IllegalArgumentException("position " + p + " outside the rotary tables' " + limit);
        }
    }
}
