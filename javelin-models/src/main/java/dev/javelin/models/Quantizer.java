package dev.javelin.models;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.javelin.io.safetensors.SafeTensors;
import dev.javelin.io.safetensors.SafeTensorsWriter;
import dev.javelin.io.safetensors.SafetensorsDType;
import dev.javelin.io.safetensors.TensorInfo;
import dev.javelin.kernels.BFloat16;
import dev.javelin.kernels.SymmetricInt8;
import dev.javelin.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes a copy of a Hugging Face model directory with its linear weights narrowed, which loads
 * (here, or in any loader that knows the convention) like the original:
 * <ul>
 *   <li>int8: compressed-tensors' "int-quantized" format. Each linear {@code weight} becomes I8
 *       [out, in] with a {@code weight_scale} F32 [out, 1] beside it (symmetric, one scale per output
 *       channel, no zero point), and config.json gains the {@code quantization_config} compressed-tensors
 *       (and vLLM / transformers' CompressedTensorsConfig) read: one config group targeting Linear,
 *       8-bit int weights, strategy "channel", no activation quantization.</li>
 *   <li>bf16: the linear weights stored as BF16, as {@code model.to(torch.bfloat16)} would store them.</li>
 * </ul>
 * int8 also stores the token embedding table as I8 with one {@code weight_scale} per row (a second config
 * group naming that module). Everything else (position and type embeddings, layer norms, biases,
 * tokenizer and pooling files) is copied as is. The
 * values written are exactly those {@link Models#load(Path, WeightDType)} computes when it quantizes
 * on load, so a quantized directory and quantize-on-load give bit-identical outputs.
 */
public final class Quantizer {
    private Quantizer() {}

    /** What was written: linear weights narrowed, and the weight file's size before and after. */
    public record Result(int linearWeights, long bytesBefore, long bytesAfter) {}

    public static Result write(Path model, WeightDType dtype, Path out) throws IOException {
        if (dtype == WeightDType.F32) throw new IllegalArgumentException("quantize writes int8 or bf16; f32 is the original");
        if (Files.exists(out) && (!Files.isDirectory(out) || !isEmpty(out))) {
            throw new IOException(out + " exists and is not an empty directory");
        }
        // loading first proves the directory is a model Javelin runs, and names the problem if not
        try (LoadedModel ignored = Models.load(model)) {
            // nothing: only the check
        }
        Files.createDirectories(out);
        try (SafeTensors weights = SafeTensors.open(model); Arena arena = Arena.ofConfined()) {
            SafeTensorsWriter writer = new SafeTensorsWriter();
            List<String> linear = new ArrayList<>();
            String tokenTable = null;
            long vocab = new ObjectMapper().readTree(model.resolve("config.json").toFile()).path("vocab_size").asLong(-1);
            for (String name : weights.names()) {
                TensorInfo info = weights.info(name);
                if (isLinearWeight(weights, name)) {
                    linear.add(name.substring(0, name.length() - ".weight".length()));
                    narrow(writer, name, weights.tensor(name), dtype, arena);
                } else if (dtype == WeightDType.INT8 && isTokenTable(info, name, vocab)) {
                    // the loader quantizes the token table on load too (Checkpoint.tokenEmbedding)
                    tokenTable = name.substring(0, name.length() - ".weight".length());
                    narrow(writer, name, weights.tensor(name), dtype, arena);
                } else {
                    writer.add(name, info.dtype(), info.shape(), weights.bytes(name));
                }
            }
            if (linear.isEmpty()) throw new IOException(model + " has no linear layers to quantize");
            writer.metadata("format", "pt");
            writer.write(out.resolve(SafeTensors.SINGLE_FILE));
            copyOtherFiles(model, out);
            writeConfig(model.resolve("config.json"), out.resolve("config.json"), dtype, tokenTable);
            long before = 0;
            for (String n : weights.names()) before += weights.info(n).byteSize();
            return new Result(linear.size(), before, Files.size(out.resolve(SafeTensors.SINGLE_FILE)));
        }
    }

    /**
     * A linear layer's weight: a 2-D {@code X.weight} with a 1-D {@code X.bias} of its row count. In
     * the architectures Javelin runs every linear layer has a bias and nothing else does (embedding
     * tables are 2-D without one; layer norms are 1-D).
     */
    static boolean isLinearWeight(SafeTensors weights, String name) {
        if (!name.endsWith(".weight")) return false;
        TensorInfo info = weights.info(name);
        String bias = name.substring(0, name.length() - ".weight".length()) + ".bias";
        if (info.rank() != 2 || !weights.names().contains(bias)) return false;
        long[] b = weights.info(bias).shape();
        return b.length == 1 && b[0] == info.shape()[0];
    }

    /** The token embedding table: a float {@code X.weight} of config.json's vocab_size rows that is no linear layer's. */
    private static boolean isTokenTable(TensorInfo info, String name, long vocab) {
        return (name.endsWith("embeddings.weight") || name.endsWith("embed_tokens.weight"))
                && info.rank() == 2 && info.shape()[0] == vocab && info.dtype() != SafetensorsDType.I8;
    }

    private static void narrow(SafeTensorsWriter writer, String name, Tensor w, WeightDType dtype, Arena arena) {
        int rows = w.dim(0), cols = w.dim(1);
        if (dtype == WeightDType.INT8) {
            SymmetricInt8.Quantized q = SymmetricInt8.quantizeRows(w);
            writer.add(name, SafetensorsDType.I8, new long[] {rows, cols}, MemorySegment.ofArray(q.values()));
            writer.add(name + "_scale", SafetensorsDType.F32, new long[] {rows, 1}, Tensor.of(arena, q.scales(), rows, 1).data());
        } else {
            MemorySegment bf16 = arena.allocate(2L * rows * cols);
            float[] all = w.toArray();
            for (int i = 0; i < all.length; i++) bf16.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i, BFloat16.fromFloat(all[i]));
            writer.add(name, SafetensorsDType.BF16, new long[] {rows, cols}, bf16);
        }
    }

    /** Tokenizer, pooling modules, README…: everything but the weights and config.json, sub-directories included. */
    private static void copyOtherFiles(Path model, Path out) throws IOException {
        try (Stream<Path> files = Files.walk(model)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path rel = model.relativize(f);
                String name = rel.toString();
                if (name.isEmpty() || name.equals("config.json") || name.endsWith(".safetensors")
                        || name.equals(SafeTensors.INDEX_FILE) || name.startsWith(".")) {
                    continue;
                }
                Path target = out.resolve(rel);
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static void writeConfig(Path source, Path target, WeightDType dtype, String tokenTable) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(source.toFile());
        if (dtype == WeightDType.INT8) {
            ObjectNode q = config.putObject("quantization_config");
            q.put("quant_method", "compressed-tensors");
            q.put("format", "int-quantized");
            q.put("quantization_status", "compressed");
            ObjectNode group = q.putObject("config_groups").putObject("group_0");
            group.putArray("targets").add("Linear");
            ObjectNode weights = group.putObject("weights");
            weights.put("num_bits", 8);
            weights.put("type", "int");
            weights.put("symmetric", true);
            weights.put("strategy", "channel");
            weights.put("dynamic", false);
            group.putNull("input_activations");
            group.putNull("output_activations");
            if (tokenTable != null) {
                // the token embedding module by name: one scale per row, like the linear layers' channels
                ObjectNode table = q.with("config_groups").putObject("group_1");
                table.putArray("targets").add(tokenTable);
                table.set("weights", weights.deepCopy());
                table.putNull("input_activations");
                table.putNull("output_activations");
            }
            q.putArray("ignore");
        }
        json.writerWithDefaultPrettyPrinter().writeValue(target.toFile(), config);
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }
}
