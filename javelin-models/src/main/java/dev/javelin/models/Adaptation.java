package dev.javelin.models;

import dev.javelin.io.safetensors.SafeTensors;
import dev.javelin.kernels.PackedWeight;
import dev.javelin.tensor.Tensor;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a model build in progress applies over its checkpoint: a LoRA adapter (null: none), and the
 * packed linear weights built so far, by tensor name, which a second build over the same checkpoint
 * reuses instead of packing its own copy (the base encoder beside its adapted twin). Every
 * architecture's loader reads its weights through {@link Checkpoint}, which consults the build's
 * adaptation, so no loader needs to know about adapters; {@link #CURRENT} carries it down the build's
 * call tree.
 *
 * @param used the adapter's names a layer was built from, so a build can refuse an adapter naming
 *             modules the model does not have
 */
record Adaptation(LoraAdapter adapter, Map<String, PackedWeight> packed, Set<String> used) {
    static final ScopedValue<Adaptation> CURRENT = ScopedValue.newInstance();

    /** The adaptation of the build in progress, or null outside one. */
    static Adaptation current() {
        return CURRENT.isBound() ? CURRENT.get() : null;
    }

    /** A build sharing {@code packed}, with {@code adapter} (or none). */
    static Adaptation of(LoraAdapter adapter, Map<String, PackedWeight> packed) {
        return new Adaptation(adapter, packed, ConcurrentHashMap.newKeySet());
    }

    /** Whether the weights of the build in progress hold {@code name}: the checkpoint's, or a tensor the adapter saves whole. */
    static boolean has(SafeTensors weights, String name) {
        Adaptation a = current();
        return weights.names().contains(name) || (a != null && a.adapter != null && a.adapter.wholeTensors().contains(name));
    }

    /** The shape of {@code name} among the build's weights (the adapter's whole tensors first). */
    static long[] shape(SafeTensors weights, String name) {
        Adaptation a = current();
        if (a != null && a.adapter != null && a.adapter.wholeTensors().contains(name)) {
            Tensor t = a.adapter.wholeTensor(name);
            long[] shape = new long[t.rank()];
            for (int i = 0; i < shape.length; i++) shape[i] = t.dim(i);
            return shape;
        }
        return weights.info(name).shape();
    }
}
