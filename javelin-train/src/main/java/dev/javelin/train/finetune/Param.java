package dev.javelin.train.finetune;

import dev.javelin.tensor.Tensor;
import java.lang.foreign.Arena;
import java.util.Arrays;

/**
 * One named parameter tensor: its value (native, so the matmul kernels read it in place), the
 * gradient the backward pass accumulates (heap), and whether the optimizer updates it. Names are the
 * Hugging Face checkpoint names, so saving is a walk over the parameters.
 */
public final class Param {
    private final String name;
    private final Tensor value;
    private final float[] grad;
    private final boolean trainable;
    private final boolean decays;
    private int version;

    /**
     * @param decays whether AdamW's weight decay applies (not to biases and LayerNorm, as in BERT's recipe)
     */
    Param(String name, Tensor value, boolean trainable, boolean decays) {
        this.name = name;
        this.value = value;
        this.trainable = trainable;
        this.decays = decays;
        this.grad = trainable ? new float[Math.toIntExact(value.size())] : null;
    }

    /** A trainable parameter holding a copy of {@code source} in {@code arena}. */
    static Param copyOf(String name, Tensor source, Arena arena, boolean trainable, boolean decays) {
        return new Param(name, source.copy(arena), trainable, decays);
    }

    public String name() { return name; }

    public Tensor value() { return value; }

    public int[] shape() { return value.shape(); }

    public int size() { return Math.toIntExact(value.size()); }

    public boolean trainable() { return trainable; }

    boolean decays() { return decays; }

    /** The gradient; only trainable parameters have one. */
    public float[] grad() {
        if (grad == null) throw new IllegalStateException(name + " is frozen: it has no gradient");
        return grad;
    }

    void zeroGrad() {
        if (grad != null) Arrays.fill(grad, 0f);
    }

    /** Bumped on every change of the value, so layers that pack the weight know when to pack again. */
    int version() { return version; }

    void changed() { version++; }

    @Override
    public String toString() {
        return name + Arrays.toString(value.shape()) + (trainable ? "" : " (frozen)");
    }
}
