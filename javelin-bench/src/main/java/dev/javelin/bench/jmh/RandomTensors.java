package dev.javelin.bench.jmh;

import dev.javelin.tensor.Tensor;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;

/** Benchmark inputs: tensors of uniform values in [-1, 1). */
final class RandomTensors {
    private RandomTensors() {}

    static Tensor of(Arena arena, SplittableRandom rnd, int... shape) {
        Tensor t = Tensor.allocate(arena, shape);
        float[] v = new float[Math.toIntExact(t.size())];
        for (int i = 0; i < v.length; i++) v[i] = (float) (rnd.nextDouble() * 2 - 1);
        t.copyFrom(v);
        return t;
    }
}
