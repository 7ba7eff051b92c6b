package dev.javelin.models;

import dev.javelin.io.safetensors.SafeTensors;
import dev.javelin.nn.Embedding;
import dev.javelin.nn.LayerNorm;
import dev.javelin.nn.Linear;
import dev.javelin.nn.RmsNorm;
import dev.javelin.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;

/**
 * Weights of one model, looked up by their Hugging Face names under a prefix ({@code bert.} in a
 * task checkpoint, nothing in a bare encoder). Tensors are views into the mapped file; checks turn
 * a missing or misshapen weight into an error naming it.
 */
final class Checkpoint {
    private final SafeTensors weights;
    private final String prefix;

    private Checkpoint(SafeTensors weights, String prefix) {
        this.weights = weights;
        this.prefix = prefix;
    }

    /**
     * The prefix under which {@code probe} exists: {@code taskPrefix} (e.g. {@code bert.}) or none.
     */
    static Checkpoint under(SafeTensors weights, String taskPrefix, String probe) throws ModelFormatException {
        if (weights.names().contains(taskPrefix + probe)) return new Checkpoint(weights, taskPrefix);
        if (weights.names().contains(probe)) return new Checkpoint(weights, "");
        throw new ModelFormatException(weights.source() + " has neither " + taskPrefix + probe + " nor " + probe
                + "; is it a checkpoint of this architecture?");
    }

    /** The same checkpoint without prefix (task heads sit at the top level). */
    Checkpoint root() {
        return new Checkpoint(weights, "");
    }

    boolean has(String name) {
        return weights.names().contains(prefix + name);
    }

    Tensor tensor(String name, int... shape) throws ModelFormatException {
        String full = prefix + name;
        if (!weights.names().contains(full)) throw new ModelFormatException(weights.source() + " has no tensor " + full);
        Tensor t;
        try {
            t = weights.tensor(full);
        } catch (RuntimeException e) {
            throw new ModelFormatException(weights.source() + ": cannot use tensor " + full + ": " + e.getMessage());
        }
        if (!Arrays.equals(t.shape(), shape)) {
            throw new ModelFormatException(weights.source() + ": tensor " + full + " has shape " + Arrays.toString(t.shape())
                    + ", the config implies " + Arrays.toString(shape));
        }
        return t;
    }

    /**
     * A linear layer. Its weight is packed onto the heap as the layer is built, so the mapped pages
     * it was read from are released right after: the process keeps one copy of each weight, not two.
     */
    Linear linear(String name, int in, int out) throws ModelFormatException {
        Tensor weight = tensor(name + ".weight", out, in);
        Linear linear = new Linear(weight, tensor(name + ".bias", out));
        if (weight.segment().isMapped()) weight.segment().unload();
        return linear;
    }

    /** A linear layer without bias (ModernBERT, Qwen3, NomicBERT): the checkpoint must not have one either. */
    Linear linearNoBias(String name, int in, int out) throws ModelFormatException {
        return linear(name, in, out, false);
    }

    /** A linear layer with or without its bias, as the config says. */
    Linear linear(String name, int in, int out, boolean bias) throws ModelFormatException {
        if (bias) return linear(name, in, out);
        if (has(name + ".bias")) {
            throw new ModelFormatException(weights.source() + " has " + prefix + name + ".bias, but the config says the layer has no bias");
        }
        Tensor weight = tensor(name + ".weight", out, in);
        Linear linear = new Linear(weight, null);
        if (weight.segment().isMapped()) weight.segment().unload();
        return linear;
    }

    /**
     * One linear layer computing several of the checkpoint's layers side by side (Q, K and V; gate
     * and up): their weights stacked along the outputs, so one product replaces several.
     */
    Linear stacked(List<String> names, int in, int[] outs, boolean bias) throws ModelFormatException {
        int total = 0;
        for (int o : outs) total += o;
        Arena arena = Arena.ofAuto();
        Tensor weight = Tensor.allocate(arena, total, in);
        Tensor b = bias ? Tensor.allocate(arena, total) : null;
        int row = 0;
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            Tensor w = tensor(name + ".weight", outs[i], in);
            copyInto(w, weight.slice(0, row, row + outs[i]));
            if (bias) copyInto(tensor(name + ".bias", outs[i]), b.slice(0, row, row + outs[i]));
            else if (has(name + ".bias")) {
                throw new ModelFormatException(weights.source() + " has " + prefix + name + ".bias, but the config says the layer has no bias");
            }
            if (w.segment().isMapped()) w.segment().unload();
            row += outs[i];
        }
        return new Linear(weight, b);
    }

    private static void copyInto(Tensor src, Tensor dst) {
        MemorySegment.copy(src.segment(), src.byteOffset(), dst.segment(), dst.byteOffset(), src.size() * Float.BYTES);
    }

    /** A layer norm with a learned scale only (ModernBERT's norm_bias false): the shift is zero. */
    LayerNorm layerNormNoBias(String name, int dim, double eps) throws ModelFormatException {
        if (has(name + ".bias")) {
            throw new ModelFormatException(weights.source() + " has " + prefix + name + ".bias, but the config says norms have no bias");
        }
        return new LayerNorm(tensor(name + ".weight", dim), Tensor.allocate(Arena.ofAuto(), dim), (float) eps);
    }

    RmsNorm rmsNorm(String name, int dim, double eps) throws ModelFormatException {
        return new RmsNorm(tensor(name + ".weight", dim), (float) eps);
    }

    Embedding embedding(String name, int count, int dim) throws ModelFormatException {
        return new Embedding(tensor(name, count, dim));
    }

    LayerNorm layerNorm(String name, int dim, double eps) throws ModelFormatException {
        return new LayerNorm(tensor(name + ".weight", dim), tensor(name + ".bias", dim), (float) eps);
    }
}
