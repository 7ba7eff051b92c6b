package dev.javelin.nn;

import dev.javelin.tensor.Tensor;
import java.lang.foreign.Arena;

/** Seeded random tensors for the layer tests. */
final class Random {
    private final java.util.Random rnd;

    Random(long seed) {
        rnd = new java.util.Random(seed);
    }

    Tensor tensor(Arena arena, float scale, int... shape) {
        float[] v = new float[Math.toIntExact(Tensor.numel(shape))];
        for (int i = 0; i < v.length; i++) v[i] = (float) rnd.nextGaussian() * scale;
        return Tensor.of(arena, v, shape);
    }

    int nextInt(int bound) {
        return rnd.nextInt(bound);
    }

    static float maxAbsDiff(Tensor a, Tensor b) {
        float[] x = a.toArray(), y = b.toArray();
        if (x.length != y.length) throw new AssertionError("sizes differ");
        float m = 0;
        for (int i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
        return m;
    }
}
