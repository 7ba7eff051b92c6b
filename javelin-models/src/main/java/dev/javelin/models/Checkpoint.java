package dev.javelin.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.javelin.io.safetensors.SafeTensors;
import dev.javelin.io.safetensors.SafetensorsDType;
import dev.javelin.io.safetensors.TensorInfo;
import dev.javelin.kernels.PackedWeight;
import dev.javelin.kernels.SymmetricInt8;
import dev.javelin.nn.Embedding;
import dev.javelin.nn.LayerNorm;
import dev.javelin.nn.Linear;
import dev.javelin.nn.LowRankDelta;
import dev.javelin.tensor.DType;
import dev.javelin.nn.RmsNorm;
import dev.javelin.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Weights of one model, looked up by their Hugging Face names under a prefix ({@code bert.} in a
 * task checkpoint, nothing in a bare encoder), with the precision its linear layers load in. Tensors
 * are views into the mapped file; checks turn a missing or misshapen weight into an error naming it.
 *
 * <p>Linear weights stored as int8 follow compressed-tensors' "int-quantized" format (symmetric,
 * per channel): {@code <layer>.weight} I8 [out, in] and {@code <layer>.weight_scale} [out, 1] (or
 * [out]) in F32, BF16 or F16.
 *
 * <p>Under an {@link Adaptation} (a build with a LoRA adapter), a tensor the adapter saves whole
 * replaces the checkpoint's or adds to it, an adapted linear layer carries the adapter's
 * {@link LowRankDelta} unmerged, and packed weights are shared with the build's earlier ones. The
 * adapter names modules as the task model does ({@code bert.encoder…}); over a base saved without
 * the task prefix they are found under it.
 */
final class Checkpoint {
    private final SafeTensors weights;
    private final String prefix;
    private final String taskPrefix;
    private final WeightDType dtype;
    private final boolean dynamicActivations;
    /** The build's adaptation; null outside one (nothing shared, no adapter). */
    private final Adaptation adaptation;

    private Checkpoint(SafeTensors weights, String prefix, String taskPrefix, WeightDType dtype) throws ModelFormatException {
        this.weights = weights;
        this.prefix = prefix;
        this.taskPrefix = taskPrefix;
        this.dtype = dtype;
        this.dynamicActivations = dynamicActivations(weights.source().resolveSibling("config.json"));
        this.adaptation = Adaptation.current();
    }

    /**
     * The prefix under which {@code probe} exists: {@code taskPrefix} (e.g. {@code bert.}) or none.
     */
    static Checkpoint under(SafeTensors weights, WeightDType dtype, String taskPrefix, String probe) throws ModelFormatException {
        Checkpoint task = new Checkpoint(weights, taskPrefix, taskPrefix, dtype);
        if (task.has(probe)) return task;
        Checkpoint bare = new Checkpoint(weights, "", taskPrefix, dtype);
        if (bare.has(probe)) return bare;
        throw new ModelFormatException(weights.source() + " has neither " + taskPrefix + probe + " nor " + probe
                + "; is it a checkpoint of this architecture?");
    }

    /**
     * The adapter's name for this checkpoint's {@code name} among {@code names} (its whole tensors or
     * its modules), or null: as named, or under the task prefix when the base has none.
     */
    private String adapted(String name, java.util.Set<String> names) {
        if (adaptation == null || adaptation.adapter() == null) return null;
        String found = names.contains(prefix + name) ? prefix + name
                : prefix.isEmpty() && names.contains(taskPrefix + name) ? taskPrefix + name : null;
        if (found != null) adaptation.used().add(found);
        return found;
    }

    /** The adapter's tensor saved whole in place of {@code name}, or null. */
    private Tensor adapterTensor(String name) {
        String found = adaptation == null || adaptation.adapter() == null ? null : adapted(name, adaptation.adapter().wholeTensors());
        return found == null ? null : adaptation.adapter().wholeTensor(found);
    }

    /** The adapter's name of the module that updates linear layer {@code name}, or null. */
    private String adaptedModule(String name) {
        return adaptation == null || adaptation.adapter() == null ? null : adapted(name, adaptation.adapter().modules());
    }

    /**
     * Whether the compressed-tensors {@code quantization_config} beside the weights asks for dynamic
     * activation quantization (8-bit, asymmetric, one range per tensor: ONNX Runtime's
     * DynamicQuantizeLinear, which {@code javelin convert --dynamic-activations} records). Any other
     * activation scheme is refused rather than ignored.
     */
    private static boolean dynamicActivations(Path config) throws ModelFormatException {
        if (!Files.isRegularFile(config)) return false;
        JsonNode groups;
        try {
            groups = new ObjectMapper().readTree(config.toFile()).path("quantization_config").path("config_groups");
        } catch (IOException e) {
            throw new ModelFormatException(config + ": not readable JSON: " + e.getMessage());
        }
        boolean dynamic = false;
        for (JsonNode group : groups) {
            JsonNode a = group.path("input_activations");
            if (a.isMissingNode() || a.isNull()) continue;
            boolean ort = a.path("num_bits").asInt() == 8 && a.path("type").asText().equals("int") && !a.path("symmetric").asBoolean(true)
                    && a.path("strategy").asText().equals("tensor") && a.path("dynamic").asBoolean(false);
            if (!ort) {
                throw new ModelFormatException(config + ": input_activations " + a + " is not supported; supported: none, or 8-bit int,"
                        + " asymmetric, strategy tensor, dynamic (ONNX Runtime's DynamicQuantizeLinear)");
            }
            dynamic = true;
        }
        return dynamic;
    }

    boolean has(String name) {
        return weights.names().contains(prefix + name)
                || (adaptation != null && adaptation.adapter() != null && adapted(name, adaptation.adapter().wholeTensors()) != null);
    }

    /**
     * Rejects a checkpoint that holds {@code probe}, a tensor of the layer numbered {@code layers}:
     * one more than the config's {@code key} builds, which would otherwise be silently left out.
     */
    void rejectExtraLayer(String probe, String key, int layers) throws ModelFormatException {
        if (has(probe)) throw new ModelFormatException(weights.source() + " has more layers than " + key + " = " + layers);
    }

    Tensor tensor(String name, int... shape) throws ModelFormatException {
        String full = prefix + name;
        Tensor t = adapterTensor(name);
        Object source = t != null ? adaptation.adapter().directory() : weights.source();
        if (t == null) {
            if (!weights.names().contains(full)) throw new ModelFormatException(weights.source() + " has no tensor " + full);
            try {
                t = weights.tensor(full);
            } catch (RuntimeException e) {
                throw new ModelFormatException(weights.source() + ": cannot use tensor " + full + ": " + e.getMessage());
            }
        }
        if (!Arrays.equals(t.shape(), shape)) {
            throw new ModelFormatException(source + ": tensor " + full + " has shape " + Arrays.toString(t.shape())
                    + ", the config implies " + Arrays.toString(shape));
        }
        return t;
    }

    /**
     * A linear layer in the checkpoint's precision. Its weight is packed onto the heap as the layer
     * is built, so the mapped pages it was read from are released right after: the process keeps one
     * copy of each weight, not two.
     */
    Linear linear(String name, int in, int out) throws ModelFormatException {
        return linear(name, in, out, tensor(name + ".bias", out));
    }

    private Linear linear(String name, int in, int out, Tensor bias) throws ModelFormatException {
        Linear layer = new Linear(weight(name, in, out), bias, dynamicActivations);
        String module = adaptedModule(name);
        if (module == null) return layer;
        try {
            return layer.withDelta(adaptation.adapter().delta(module));
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(adaptation.adapter().directory() + ": the update of " + module + ": " + e.getMessage());
        }
    }

    /**
     * The weight of linear layer {@code name} packed in the checkpoint's precision (the adapter's, when
     * it saves the layer whole); packed once per build's adaptation.
     */
    private PackedWeight weight(String name, int in, int out) throws ModelFormatException {
        Tensor replaced = adapterTensor(name + ".weight");
        if (replaced != null) return narrowed(tensor(name + ".weight", out, in));
        if (adaptation == null) return packed(name, in, out);
        String key = prefix + name + ".weight";
        PackedWeight shared = adaptation.packed().get(key);
        if (shared == null) {
            shared = packed(name, in, out);
            adaptation.packed().put(key, shared);
        }
        return shared;
    }

    /** The checkpoint's weight of linear layer {@code name} packed in its precision; its mapped pages are released. */
    private PackedWeight packed(String name, int in, int out) throws ModelFormatException {
        String full = prefix + name + ".weight";
        if (!weights.names().contains(full)) throw new ModelFormatException(weights.source() + " has no tensor " + full);
        TensorInfo info = weights.info(full);
        if (!Arrays.equals(info.shape(), new long[] {out, in})) {
            throw new ModelFormatException(weights.source() + ": tensor " + full + " has shape " + Arrays.toString(info.shape())
                    + ", the config implies " + Arrays.toString(new int[] {out, in}));
        }
        MemorySegment stored = weights.bytes(full);
        PackedWeight packed;
        try {
            packed = switch (info.dtype()) {
                case I8 -> PackedWeight.int8(int8(name + ".weight", out, in));
                case F32 -> narrowed(tensor(name + ".weight", out, in));
                case BF16, F16 -> {
                    DType half = info.dtype() == SafetensorsDType.BF16 ? DType.BF16 : DType.F16;
                    if (dtype == WeightDType.F32 || (dtype == WeightDType.BF16 && half == DType.BF16)) {
                        yield PackedWeight.halfOfTransposed(stored, 0, half, out, in);
                    }
                    try (Arena widened = Arena.ofConfined()) {
                        yield narrowed(Tensor.convert(widened, stored, half, out, in));
                    }
                }
                default -> throw new ModelFormatException(weights.source() + ": tensor " + full + " is " + info.dtype()
                        + "; linear weights load from F32, BF16, F16 or int8 (compressed-tensors) tensors");
            };
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(weights.source() + ": cannot use tensor " + full + ": " + e.getMessage());
        }
        if (stored.isMapped()) stored.unload();
        return packed;
    }

    /** An F32 weight [out, in] packed in the precision asked for. */
    private PackedWeight narrowed(Tensor weight) {
        return switch (dtype) {
            case F32 -> PackedWeight.ofTransposed(weight);
            case BF16 -> PackedWeight.bf16OfTransposed(weight);
            case INT8 -> PackedWeight.int8OfTransposed(weight);
        };
    }

    /** The per-row scales of an int8 weight, {@code <name>.weight_scale} [out, 1] or [out]. */
    private float[] scales(String name, int out) throws ModelFormatException {
        String full = prefix + name + ".weight_scale";
        if (!weights.names().contains(full)) {
            throw new ModelFormatException(weights.source() + ": int8 tensor " + prefix + name + ".weight has no " + full
                    + " (compressed-tensors int-quantized, per-channel scales)");
        }
        long[] shape = weights.info(full).shape();
        if (!Arrays.equals(shape, new long[] {out, 1}) && !Arrays.equals(shape, new long[] {out})) {
            throw new ModelFormatException(weights.source() + ": tensor " + full + " has shape " + Arrays.toString(shape)
                    + "; per-channel scales are [" + out + ", 1]");
        }
        String zeroPoint = prefix + name + ".weight_zero_point";
        if (weights.names().contains(zeroPoint)) {
            for (byte z : weights.bytes(zeroPoint).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)) {
                if (z != 0) throw new ModelFormatException(weights.source() + ": " + zeroPoint + " is not zero; only symmetric int8 is supported");
            }
        }
        float[] scales = weights.tensor(full).toArray();
        for (int r = 0; r < out; r++) {
            if (!Float.isFinite(scales[r]) || scales[r] < 0) {
                throw new ModelFormatException(weights.source() + ": " + full + "[" + r + "] is " + scales[r]
                        + "; scales must be finite and non-negative");
            }
        }
        return scales;
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
        return linear(name, in, out, (Tensor) null);
    }

    /**
     * One linear layer computing several of the checkpoint's layers side by side (Q, K and V; gate
     * and up): their weights stacked along the outputs, so one product replaces several.
     */
    Linear stacked(List<String> names, int in, int[] outs, boolean bias) throws ModelFormatException {
        int total = 0;
        for (int o : outs) total += o;
        PackedWeight[] parts = new PackedWeight[names.size()];
        Tensor b = bias ? Tensor.allocate(Arena.ofAuto(), total) : null;
        Tensor[] down = new Tensor[names.size()], up = new Tensor[names.size()];
        boolean adapted = false, replaced = false;
        int row = 0;
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            replaced |= adapterTensor(name + ".weight") != null;
            if (bias) copyInto(tensor(name + ".bias", outs[i]), b.slice(0, row, row + outs[i]));
            else if (has(name + ".bias")) {
                throw new ModelFormatException(weights.source() + " has " + prefix + name + ".bias, but the config says the layer has no bias");
            }
            String module = adaptedModule(name);
            if (module != null) {
                down[i] = adaptation.adapter().a(module);
                up[i] = adaptation.adapter().b(module);
                adapted = true;
            }
            row += outs[i];
        }
        String key = "stacked:" + prefix + String.join("+", names);
        PackedWeight stacked = adaptation == null || replaced ? null : adaptation.packed().get(key);
        if (stacked == null) {
            // the parts are packed, then copied side by side: only the stacked copy is kept
            for (int i = 0; i < names.size(); i++) parts[i] = adapterTensor(names.get(i) + ".weight") != null
                    ? weight(names.get(i), in, outs[i]) : packed(names.get(i), in, outs[i]);
            stacked = PackedWeight.stackColumns(parts);
            if (adaptation != null && !replaced) adaptation.packed().put(key, stacked);
        }
        Linear layer = new Linear(stacked, b, dynamicActivations);
        if (!adapted) return layer;
        try {
            return layer.withDelta(LowRankDelta.stacked(down, up, outs, adaptation.adapter().scale()));
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(adaptation.adapter().directory() + ": the update of " + String.join("+", names) + ": " + e.getMessage());
        }
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

    /** A position or token-type table: F32 as stored, or int8 where the checkpoint stores it so. */
    Embedding embedding(String name, int count, int dim) throws ModelFormatException {
        if (isInt8(name)) return new Embedding(int8Table(name, count, dim));
        return new Embedding(tensor(name, count, dim));
    }

    /**
     * The token table, most of a small encoder's bytes: int8 (one scale per row) where stored so or
     * when loading int8, read in place from the mapped file like an F32 table, so only the rows texts
     * use reach memory. Loading int8, an F32 table mapped in place is quantized row by row as it is
     * gathered (the same values as a quantized table; its pages are released after the check that
     * every value is finite): the whole int8 table on the heap measured 28 MB more serve RSS (11.7 MB
     * of table against ~3 MB of touched pages, and a larger heap). A table that has to be
     * materialized (widened from 16 bits) is quantized up front and its F32 rows released.
     */
    Embedding tokenEmbedding(String name, int count, int dim) throws ModelFormatException {
        if (isInt8(name)) return new Embedding(int8Table(name, count, dim));
        Tensor table = tensor(name, count, dim);
        if (dtype != WeightDType.INT8) return new Embedding(table);
        if (!table.segment().isMapped()) return new Embedding(SymmetricInt8.quantizeRows(table).table());
        Embedding quantized = Embedding.quantizedOnGather(table);
        table.segment().unload();
        return quantized;
    }

    private boolean isInt8(String name) {
        return weights.names().contains(prefix + name) && weights.info(prefix + name).dtype() == SafetensorsDType.I8;
    }

    /** An int8 weight [count, dim] with its compressed-tensors {@code weight_scale} [count, 1], copied to the heap. */
    private SymmetricInt8.Quantized int8(String name, int count, int dim) throws ModelFormatException {
        SymmetricInt8.Table stored = int8Table(name, count, dim);
        return new SymmetricInt8.Quantized(stored.values().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), stored.scales(), count, dim);
    }

    /** The same, its values read in place from the mapped checkpoint (an embedding table, gathered a row at a time). */
    private SymmetricInt8.Table int8Table(String name, int count, int dim) throws ModelFormatException {
        String full = prefix + name;
        if (!Arrays.equals(weights.info(full).shape(), new long[] {count, dim})) {
            throw new ModelFormatException(weights.source() + ": tensor " + full + " has shape " + Arrays.toString(weights.info(full).shape())
                    + ", the config implies " + Arrays.toString(new int[] {count, dim}));
        }
        String base = name.substring(0, name.length() - ".weight".length());
        return new SymmetricInt8.Table(weights.bytes(full), scales(base, count), count, dim);
    }

    LayerNorm layerNorm(String name, int dim, double eps) throws ModelFormatException {
        return new LayerNorm(tensor(name + ".weight", dim), tensor(name + ".bias", dim), (float) eps);
    }
}
