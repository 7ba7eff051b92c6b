package dev.javelin.onnx;

import dev.javelin.io.safetensors.SafeTensorsWriter;
import dev.javelin.io.safetensors.SafetensorsDType;
import dev.javelin.onnx.proto.Onnx.TensorProto;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The 8-bit weights of an ONNX Runtime dynamic-quantization export, written as compressed-tensors'
 * symmetric int8 ("int-quantized", one scale per output channel or table row), which Javelin loads as
 * int8. ORT stores a value as (q − z)·s: a MatMulInteger weight as INT8 with a zero point per output
 * (0 in the langchain4j exports: already symmetric), an embedding table as UINT8 with one zero point
 * (128) and one scale. The centred value q − z is written as the int8 itself whenever it fits
 * [-128, 127] (for a UINT8 table with z = 128 it always does), and s is repeated per channel or row.
 * Nothing is rounded: every weight dequantizes to exactly the float ORT computes from it, so the
 * converted model differs from ORT only in what ORT does to activations (see docs/quantization.md).
 */
final class QuantizedImport {
    private QuantizedImport() {}

    /** Writes {@code w} as {@code X.weight} I8 [out, in] (or [rows, dim]) and {@code X.weight_scale} F32 [out, 1]. */
    static void write(OnnxGraph graph, EncoderWeight w, SafeTensorsWriter writer, Arena arena) throws OnnxFormatException {
        long[] dims = OnnxGraph.dims(w.initializer());
        int rows = Math.toIntExact(dims[0]), cols = Math.toIntExact(dims[1]);
        // the output channel is ONNX's column of a MatMul weight [in, out], the row of a table [rows, dim]
        int channels = w.transpose() ? cols : rows;
        int[] q = graph.eightBitValues(w.initializer());
        int[] zero = w.zeroPoint() == null ? new int[1] : graph.eightBitValues(w.zeroPoint());
        double[] scale = graph.values(w.scale());
        if (!w.transpose() && (zero.length != 1 || scale.length != 1)) {
            throw new OnnxFormatException(graph.source() + ": table " + w.initializer().getName() + " has per-axis quantization parameters");
        }
        MemorySegment values = arena.allocate((long) rows * cols);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int channel = w.transpose() ? c : r;
                int centred = q[r * cols + c] - zero[zero.length == 1 ? 0 : channel];
                if (centred < Byte.MIN_VALUE || centred > Byte.MAX_VALUE) {
                    throw new OnnxFormatException(graph.source() + ": " + w.initializer().getName() + " [" + r + ", " + c + "] is "
                            + q[r * cols + c] + " with zero point " + zero[zero.length == 1 ? 0 : channel]
                            + "; the centred value does not fit int8, so the weight cannot be held as symmetric int8 exactly");
                }
                long at = w.transpose() ? (long) c * rows + r : (long) r * cols + c;
                values.set(ValueLayout.JAVA_BYTE, at, (byte) centred);
            }
        }
        MemorySegment scales = arena.allocate((long) channels * Float.BYTES);
        for (int ch = 0; ch < channels; ch++) {
            float s = (float) scale[scale.length == 1 ? 0 : ch];
            if (!Float.isFinite(s) || s < 0) {
                throw new OnnxFormatException(graph.source() + ": " + w.scale().getName() + " has scale " + s + "; scales must be finite and non-negative");
            }
            scales.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, ch, s);
        }
        long[] shape = w.transpose() ? new long[] {cols, rows} : new long[] {rows, cols};
        writer.add(w.hfName(), SafetensorsDType.I8, shape, values);
        writer.add(w.hfName() + "_scale", SafetensorsDType.F32, new long[] {channels, 1}, scales);
    }

    /**
     * config.json's {@code quantization_config}: compressed-tensors int-quantized, symmetric, per
     * channel; the linear layers as one group, the int8 embedding tables by module name as another.
     */
    static Map<String, Object> config(List<String> int8Weights, boolean dynamicActivations) {
        List<String> tables = int8Weights.stream().filter(n -> n.startsWith("embeddings."))
                .map(n -> n.substring(0, n.length() - ".weight".length())).toList();
        Map<String, Object> groups = new LinkedHashMap<>();
        groups.put("group_0", group(List.of("Linear"), dynamicActivations ? dynamicPerTensor() : null));
        if (!tables.isEmpty()) groups.put("group_1", group(tables, null));
        Map<String, Object> q = new LinkedHashMap<>();
        q.put("quant_method", "compressed-tensors");
        q.put("format", "int-quantized");
        q.put("quantization_status", "compressed");
        q.put("config_groups", groups);
        q.put("ignore", List.of());
        return q;
    }

    /**
     * compressed-tensors' description of DynamicQuantizeLinear: 8-bit, asymmetric, one range per
     * tensor, computed at run time (its int8 zero point is ORT's uint8 one shifted by 128).
     */
    private static Map<String, Object> dynamicPerTensor() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("num_bits", 8);
        a.put("type", "int");
        a.put("symmetric", false);
        a.put("strategy", "tensor");
        a.put("dynamic", true);
        return a;
    }

    private static Map<String, Object> group(List<String> targets, Map<String, Object> inputActivations) {
        Map<String, Object> weights = new LinkedHashMap<>();
        weights.put("num_bits", 8);
        weights.put("type", "int");
        weights.put("symmetric", true);
        weights.put("strategy", "channel");
        weights.put("dynamic", false);
        Map<String, Object> group = new LinkedHashMap<>();
        group.put("targets", targets);
        group.put("weights", weights);
        group.put("input_activations", inputActivations);
        group.put("output_activations", null);
        return group;
    }
}
