package dev.javelin.models;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The precision the linear layers of a model are loaded in. Everything else (embeddings, layer
 * norms, biases) stays F32, and compute is F32 throughout: narrower weights only make the products
 * stream fewer bytes (see docs/quantization.md).
 */
public enum WeightDType {
    /**
     * Weights as the checkpoint stores them: F32 as F32, BF16/F16 used as stored (widened in
     * registers, never copied to F32), int8 (compressed-tensors) as int8.
     */
    F32,
    /** F32 weights rounded to bf16 on load; half the bytes, ~3 significant digits per weight. */
    BF16,
    /** Float weights quantized on load to symmetric per-output-channel int8; a quarter of the bytes. */
    INT8;

    /** {@code f32}, {@code bf16} or {@code int8} (any case), else an error listing them. */
    public static WeightDType parse(String name) {
        for (WeightDType d : values()) {
            if (d.name().equalsIgnoreCase(name)) return d;
        }
        throw new IllegalArgumentException("unknown dtype \"" + name + "\"; expected one of "
                + Arrays.stream(values()).map(WeightDType::label).collect(Collectors.joining(", ")));
    }

    /** The lower-case spelling the CLI uses. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
