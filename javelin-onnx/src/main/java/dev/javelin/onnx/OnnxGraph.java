package dev.javelin.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.javelin.io.ContainedPath;
import dev.javelin.onnx.proto.Onnx.AttributeProto;
import dev.javelin.onnx.proto.Onnx.GraphProto;
import dev.javelin.onnx.proto.Onnx.ModelProto;
import dev.javelin.onnx.proto.Onnx.NodeProto;
import dev.javelin.onnx.proto.Onnx.TensorProto;
import dev.javelin.onnx.proto.Onnx.ValueInfoProto;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An ONNX model's main graph, indexed for walking: who produces a value, who consumes it, and the
 * values of initializers and {@code Constant} nodes. Initializers stored as external data (beside
 * the model file, as exporters write models over 2 GiB) are read from their files on demand.
 */
public final class OnnxGraph {
    private final String source;
    /** Where external data files are looked up: the model file's directory; null for a stream. */
    private final Path directory;
    private final GraphProto graph;
    private final Map<String, TensorProto> initializers = new LinkedHashMap<>();
    private final Map<String, NodeProto> producers = new HashMap<>();
    private final Map<String, List<NodeProto>> consumers = new HashMap<>();

    private OnnxGraph(String source, Path directory, ModelProto model) throws OnnxFormatException {
        this.source = source;
        this.directory = directory;
        if (!model.hasGraph()) throw new OnnxFormatException(source + ": not an ONNX model (no graph)");
        this.graph = model.getGraph();
        for (TensorProto t : graph.getInitializerList()) initializers.put(t.getName(), t);
        for (NodeProto n : graph.getNodeList()) {
            for (String out : n.getOutputList()) producers.put(out, n);
            for (String in : n.getInputList()) {
                if (!in.isEmpty()) consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
            }
        }
    }

    /** Reads a model file. The bytes are read once and tensor data aliases them (no second copy). */
    public static OnnxGraph read(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            List<String> inside;
            try (var entries = Files.list(file)) {
                inside = entries.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".onnx")).sorted().toList();
            }
            throw new OnnxFormatException(file + ": is a directory; give the ONNX file itself"
                    + (inside.isEmpty() ? " (it holds no .onnx file)" : ", e.g. " + file.resolve(inside.get(0))));
        }
        if (!Files.isRegularFile(file)) throw new OnnxFormatException(file + ": no such file");
        long size = Files.size(file);
        // Protobuf messages are limited to 2 GiB; bigger models keep their weights as external data.
        if (size >= Integer.MAX_VALUE) {
            throw new OnnxFormatException(file + ": " + size + " bytes is over protobuf's 2 GiB limit; a model this large must keep"
                    + " its weights as external data");
        }
        return parse(file.toString(), file.toAbsolutePath().getParent(), Files.readAllBytes(file));
    }

    /** Reads a model from a stream (e.g. a class-path resource); {@code name} appears in errors. */
    public static OnnxGraph read(InputStream in, String name) throws IOException {
        return parse(name, null, in.readAllBytes());
    }

    /** Wraps an in-memory model (tests build them with the generated builders). */
    public static OnnxGraph of(ModelProto model, String name) throws OnnxFormatException {
        return new OnnxGraph(name, null, model);
    }

    private static OnnxGraph parse(String name, Path directory, byte[] bytes) throws OnnxFormatException {
        if (startsWith(bytes, "version https://git-lfs")) {
            throw new OnnxFormatException(name + ": is a Git LFS pointer file, not the model: the model itself was never downloaded");
        }
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.enableAliasing(true);
            in.setSizeLimit(Integer.MAX_VALUE);
            return new OnnxGraph(name, directory, ModelProto.parseFrom(in));
        } catch (InvalidProtocolBufferException e) {
            throw new OnnxFormatException(name + ": not a valid ONNX protobuf: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new OnnxFormatException(name + ": unreadable ONNX protobuf: " + e.getMessage(), e);
        }
    }

    /** Where the model came from, for error messages. */
    public String source() { return source; }

    public List<NodeProto> nodes() { return graph.getNodeList(); }

    public List<String> inputNames() { return graph.getInputList().stream().map(ValueInfoProto::getName).toList(); }

    public List<String> outputNames() { return graph.getOutputList().stream().map(ValueInfoProto::getName).toList(); }

    public Map<String, TensorProto> initializers() { return initializers; }

    public boolean isInitializer(String name) { return initializers.containsKey(name); }

    /** The node computing {@code value}, or null for graph inputs and initializers. */
    public NodeProto producer(String value) { return producers.get(value); }

    public List<NodeProto> consumers(String value) { return consumers.getOrDefault(value, List.of()); }

    /** The tensor behind {@code value} when it is fixed: an initializer or the output of a {@code Constant} node. */
    public Optional<TensorProto> constant(String value) {
        TensorProto init = initializers.get(value);
        if (init != null) return Optional.of(init);
        NodeProto p = producers.get(value);
        if (p != null && p.getOpType().equals("Constant")) {
            for (AttributeProto a : p.getAttributeList()) {
                if (a.getName().equals("value") && a.hasT()) return Optional.of(a.getT());
            }
        }
        return Optional.empty();
    }

    /** A constant's elements as doubles (any numeric type); empty if {@code value} is not constant. */
    public Optional<double[]> constantValues(String value) throws OnnxFormatException {
        Optional<TensorProto> t = constant(value);
        return t.isEmpty() ? Optional.empty() : Optional.of(values(t.get()));
    }

    /** An initializer's shape. */
    public static long[] dims(TensorProto t) {
        return t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    }

    /** A node attribute, if present. */
    public static Optional<AttributeProto> attribute(NodeProto node, String name) {
        return node.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst();
    }

    /** Elements of a numeric tensor, widened to double. */
    public double[] values(TensorProto t) throws OnnxFormatException {
        long n = 1;
        for (long d : dims(t)) n = Math.multiplyExact(n, d);
        if (n > 1 << 20) throw new OnnxFormatException(source + ": constant " + t.getName() + " too large to read as values");
        int count = (int) n;
        double[] out = new double[count];
        int type = t.getDataType();
        if (t.hasRawData() || t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            ByteBuffer raw = rawBytes(t);
            int width = switch (type) {
                case TensorProto.DataType.FLOAT_VALUE, TensorProto.DataType.INT32_VALUE -> 4;
                case TensorProto.DataType.INT64_VALUE, TensorProto.DataType.DOUBLE_VALUE -> 8;
                case TensorProto.DataType.FLOAT16_VALUE -> 2;
                case TensorProto.DataType.INT8_VALUE, TensorProto.DataType.UINT8_VALUE -> 1;
                default -> throw unsupportedType(t);
            };
            if (raw.remaining() != (long) count * width) {
                throw new OnnxFormatException(source + ": tensor " + t.getName() + " has " + raw.remaining()
                        + " bytes of raw data, its shape needs " + (long) count * width);
            }
            for (int i = 0; i < count; i++) {
                out[i] = switch (type) {
                    case TensorProto.DataType.FLOAT_VALUE -> raw.getFloat();
                    case TensorProto.DataType.INT32_VALUE -> raw.getInt();
                    case TensorProto.DataType.INT64_VALUE -> raw.getLong();
                    case TensorProto.DataType.DOUBLE_VALUE -> raw.getDouble();
                    case TensorProto.DataType.INT8_VALUE -> raw.get();
                    case TensorProto.DataType.UINT8_VALUE -> Byte.toUnsignedInt(raw.get());
                    default -> Float.float16ToFloat(raw.getShort());
                };
            }
            return out;
        }
        int have = switch (type) {
            case TensorProto.DataType.FLOAT_VALUE -> t.getFloatDataCount();
            // ONNX stores 8-bit elements outside raw_data one per int32_data entry
            case TensorProto.DataType.INT32_VALUE, TensorProto.DataType.INT8_VALUE, TensorProto.DataType.UINT8_VALUE -> t.getInt32DataCount();
            case TensorProto.DataType.INT64_VALUE -> t.getInt64DataCount();
            case TensorProto.DataType.DOUBLE_VALUE -> t.getDoubleDataCount();
            default -> throw unsupportedType(t);
        };
        if (have != count) {
            throw new OnnxFormatException(source + ": tensor " + t.getName() + " has " + have + " values, its shape needs " + count);
        }
        for (int i = 0; i < count; i++) {
            out[i] = switch (type) {
                case TensorProto.DataType.FLOAT_VALUE -> t.getFloatData(i);
                case TensorProto.DataType.INT32_VALUE, TensorProto.DataType.INT8_VALUE, TensorProto.DataType.UINT8_VALUE -> t.getInt32Data(i);
                case TensorProto.DataType.INT64_VALUE -> t.getInt64Data(i);
                default -> t.getDoubleData(i);
            };
        }
        return out;
    }

    /**
     * A float weight's little-endian F32 bytes, whatever way the file stores them ({@code raw_data}
     * or {@code float_data}; F16 widened).
     */
    public ByteBuffer floatBytes(TensorProto t) throws OnnxFormatException {
        long n = 1;
        for (long d : dims(t)) n = Math.multiplyExact(n, d);
        boolean external = t.getDataLocation() == TensorProto.DataLocation.EXTERNAL;
        int type = t.getDataType();
        if (type == TensorProto.DataType.FLOAT_VALUE && (t.hasRawData() || external)) {
            ByteBuffer raw = rawBytes(t);
            if (raw.remaining() != n * Float.BYTES) {
                throw new OnnxFormatException(source + ": tensor " + t.getName() + " has " + raw.remaining()
                        + " bytes of raw data, its shape needs " + n * Float.BYTES);
            }
            return raw;
        }
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(n * Float.BYTES)).order(ByteOrder.LITTLE_ENDIAN);
        if (type == TensorProto.DataType.FLOAT_VALUE) {
            if (t.getFloatDataCount() != n) {
                throw new OnnxFormatException(source + ": tensor " + t.getName() + " has " + t.getFloatDataCount()
                        + " values, its shape needs " + n);
            }
            for (int i = 0; i < n; i++) out.putFloat(t.getFloatData(i));
        } else if (type == TensorProto.DataType.FLOAT16_VALUE && (t.hasRawData() || external)) {
            ByteBuffer raw = rawBytes(t);
            if (raw.remaining() != n * 2) {
                throw new OnnxFormatException(source + ": tensor " + t.getName() + " has " + raw.remaining()
                        + " bytes of raw data, its shape needs " + n * 2);
            }
            for (int i = 0; i < n; i++) out.putFloat(Float.float16ToFloat(raw.getShort()));
        } else {
            throw unsupportedType(t);
        }
        return out.flip();
    }

    /** The tensor's raw little-endian bytes: its raw_data, or the byte range its external_data names. */
    private ByteBuffer rawBytes(TensorProto t) throws OnnxFormatException {
        if (t.getDataLocation() != TensorProto.DataLocation.EXTERNAL) {
            return t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        }
        String where = source + ": tensor " + t.getName() + "'s external data";
        if (directory == null) throw new OnnxFormatException(where + " cannot be found: the model was not read from a file");
        Map<String, String> keys = new HashMap<>();
        for (var e : t.getExternalDataList()) keys.put(e.getKey(), e.getValue());
        String location = keys.get("location");
        if (location == null) throw new OnnxFormatException(where + " names no location");
        Path file = ContainedPath.resolve(directory, location)
                .orElseThrow(() -> new OnnxFormatException(where + ": location " + location + " is outside " + directory));
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long offset = Long.parseLong(keys.getOrDefault("offset", "0"));
            long length = keys.containsKey("length") ? Long.parseLong(keys.get("length")) : ch.size() - offset;
            if (offset < 0 || length < 0 || offset + length > ch.size()) {
                throw new OnnxFormatException(where + ": bytes " + offset + "+" + length + " lie outside " + file + " ("
                        + ch.size() + " bytes)");
            }
            return ch.map(FileChannel.MapMode.READ_ONLY, offset, length).order(ByteOrder.LITTLE_ENDIAN);
        } catch (NumberFormatException e) {
            throw new OnnxFormatException(where + ": offset or length is not a number: " + e.getMessage(), e);
        } catch (OnnxFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new OnnxFormatException(where + ": cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static boolean startsWith(byte[] bytes, String prefix) {
        byte[] p = prefix.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return bytes.length >= p.length && java.util.Arrays.equals(bytes, 0, p.length, p, 0, p.length);
    }

    /**
     * An 8-bit tensor's elements as signed ints (INT8 as stored, UINT8 as 0..255), whatever way the
     * file stores them ({@code raw_data}, external data, or one per {@code int32_data} entry).
     */
    public int[] eightBitValues(TensorProto t) throws OnnxFormatException {
        long n = 1;
        for (long d : dims(t)) n = Math.multiplyExact(n, d);
        boolean unsigned = t.getDataType() == TensorProto.DataType.UINT8_VALUE;
        if (!unsigned && t.getDataType() != TensorProto.DataType.INT8_VALUE) throw unsupportedType(t);
        int[] out = new int[Math.toIntExact(n)];
        if (t.hasRawData() || t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            ByteBuffer raw = rawBytes(t);
            if (raw.remaining() != n) {
                throw new OnnxFormatException(source + ": tensor " + t.getName() + " has " + raw.remaining() + " bytes of raw data, its shape needs " + n);
            }
            for (int i = 0; i < out.length; i++) out[i] = unsigned ? Byte.toUnsignedInt(raw.get()) : raw.get();
            return out;
        }
        if (t.getInt32DataCount() != n) {
            throw new OnnxFormatException(source + ": tensor " + t.getName() + " has " + t.getInt32DataCount() + " values, its shape needs " + n);
        }
        for (int i = 0; i < out.length; i++) out[i] = t.getInt32Data(i);
        return out;
    }

    private OnnxFormatException unsupportedType(TensorProto t) {
        String type = TensorProto.DataType.forNumber(t.getDataType()) == null
                ? String.valueOf(t.getDataType()) : TensorProto.DataType.forNumber(t.getDataType()).name();
        return new OnnxFormatException(source + ": tensor " + t.getName() + " has data type " + type
                + "; expected FLOAT, FLOAT16, INT8, UINT8, INT32, INT64 or DOUBLE");
    }
}
