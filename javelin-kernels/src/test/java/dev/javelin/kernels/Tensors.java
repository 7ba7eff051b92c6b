package dev.javelin.kernels;

import dev.javelin.tensor.Tensor;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;

/** Random test tensors. */
final class Tensors {
    private Tensors() {}

    /** Uniform values in [-1, 1). */
    static Tensor random(Arena arena, SplittableRandom rnd, int... shape) {
        Tensor t = Tensor.allocate(arena, shape);
        float[] v = new float[Math.toIntExact(t.size())];
        for (int i = 0; i < v.length; i++) v[i] = (float) (rnd.nextDouble() * 2 - 1);
        t.copyFrom(v);
        return t;
    }

    /** Values spread over [-scale, scale) plus an offset, to exercise ranges kernels find hard. */
    static Tensor random(Arena arena, SplittableRandom rnd, float offset, float scale, int... shape) {
        Tensor t = Tensor.allocate(arena, shape);
        float[] v = new float[Math.toIntExact(t.size())];
        for (int i = 0; i < v.length; i++) v[i] = offset + (float) ((rnd.nextDouble() * 2 - 1) * scale);
        t.copyFrom(v);
        return t;
    }

    /** Elementwise absolute values, as a new contiguous tensor. */
    static Tensor abs(Arena arena, Tensor t) {
        float[] v = t.toArray();
        for (int i = 0; i < v.length; i++) v[i] = Math.abs(v[i]);
        return Tensor.of(arena, v, t.shape());
    }
}
