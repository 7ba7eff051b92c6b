package dev.javelin.train.finetune;

import dev.javelin.tensor.Tensor;
import java.lang.foreign.Arena;

/**
 * The activations of one training step: everything the forward pass keeps for the backward pass
 * lives in one shared arena, released as a whole when the step ends.
 */
final class StepMemory implements AutoCloseable {
    private final Arena arena = Arena.ofShared();

    Tensor tensor(int... shape) {
        return Tensor.allocate(arena, shape);
    }

    Tensor copy(Tensor t) {
        return t.copy(arena);
    }

    Arena arena() {
        return arena;
    }

    @Override
    public void close() {
        arena.close();
    }
}
