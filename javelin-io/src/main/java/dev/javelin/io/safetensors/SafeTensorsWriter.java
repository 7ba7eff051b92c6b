package dev.javelin.io.safetensors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.javelin.io.AtomicFile;
import dev.javelin.io.safetensors.SafetensorsException.Rule;
import dev.javelin.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Writes safetensors files as the reference implementation does: header keys in name order with
 * {@code __metadata__} first, the header padded with spaces to a multiple of 8 bytes, and the data
 * laid out by decreasing element size then name, so each tensor starts aligned to its element
 * size (all-F32 files are simply in name order). The file is written beside the target and renamed
 * over it, so a reader that has the old file mapped never sees it truncated.
 */
public final class SafeTensorsWriter {

    private record Entry(String name, SafetensorsDType dtype, long[] shape, MemorySegment bytes) {}

    private static final JsonFactory JSON = new JsonFactory();
    private static final int PAD = 8;
    /** Bytes per write call; a ByteBuffer view cannot exceed 2 GiB. */
    private static final long CHUNK = 1L << 30;

    private final Map<String, Entry> entries = new TreeMap<>();
    private final Map<String, String> metadata = new TreeMap<>();
    private final Arena scratch = Arena.ofAuto();

    /** Writes F32 tensors (in name order) and metadata to {@code file}. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        SafeTensorsWriter w = new SafeTensorsWriter();
        metadata.forEach(w::metadata);
        tensors.forEach(w::add);
        w.write(file);
    }

    /** Adds an F32 tensor; a non-contiguous view is copied into row-major order. */
    public SafeTensorsWriter add(String name, Tensor tensor) {
        Tensor t = tensor.contiguous(scratch);
        long[] shape = Arrays.stream(t.shape()).asLongStream().toArray();
        return add(name, SafetensorsDType.F32, shape, t.data());
    }

    /** Adds a tensor of any format dtype from its little-endian bytes (packed for F4/F6). */
    public SafeTensorsWriter add(String name, SafetensorsDType dtype, long[] shape, MemorySegment bytes) {
        Objects.requireNonNull(name, "name");
        if (name.equals(SafetensorsHeader.METADATA_KEY)) {
            throw new IllegalArgumentException("\"" + SafetensorsHeader.METADATA_KEY + "\" is reserved for metadata");
        }
        if (entries.containsKey(name)) throw new IllegalArgumentException("tensor \"" + name + "\" added twice");
        long bits;
        try {
            for (long d : shape) if (d < 0) throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            bits = dtype.bitSize(shape);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(dtype + Arrays.toString(shape) + " overflows 64 bits", e);
        }
        if (bits % 8 != 0) {
            throw new IllegalArgumentException(dtype + Arrays.toString(shape) + " is not a whole number of bytes");
        }
        long expected = bits / 8;
        if (bytes.byteSize() != expected) {
            throw new IllegalArgumentException("tensor \"" + name + "\": " + dtype + Arrays.toString(shape) + " needs "
                    + expected + " bytes, got " + bytes.byteSize());
        }
        entries.put(name, new Entry(name, dtype, shape.clone(), bytes));
        return this;
    }

    public SafeTensorsWriter metadata(String key, String value) {
        metadata.put(Objects.requireNonNull(key, "metadata key"), Objects.requireNonNull(value, "metadata value"));
        return this;
    }

    public void write(Path file) throws IOException {
        List<Entry> layout = new ArrayList<>(entries.values());
        layout.sort(Comparator.comparing(Entry::dtype).reversed().thenComparing(Entry::name));
        Map<String, long[]> offsets = new TreeMap<>();
        long at = 0;
        for (Entry e : layout) {
            offsets.put(e.name(), new long[] {at, at + e.bytes().byteSize()});
            at += e.bytes().byteSize();
        }
        byte[] header = header(offsets);
        if (header.length > SafetensorsHeader.MAX_HEADER_BYTES) {
            throw new SafetensorsException(file, null, Rule.HEADER_TOO_LARGE, "header would be " + header.length + " bytes");
        }
        AtomicFile.write(file, ch -> {
            writeFully(ch, ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length));
            writeFully(ch, ByteBuffer.wrap(header));
            for (Entry e : layout) {
                for (long off = 0; off < e.bytes().byteSize(); off += CHUNK) {
                    writeFully(ch, e.bytes().asSlice(off, Math.min(CHUNK, e.bytes().byteSize() - off)).asByteBuffer());
                }
            }
        });
    }

    private byte[] header(Map<String, long[]> offsets) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            if (!metadata.isEmpty()) {
                g.writeObjectFieldStart(SafetensorsHeader.METADATA_KEY);
                for (Map.Entry<String, String> m : metadata.entrySet()) g.writeStringField(m.getKey(), m.getValue());
                g.writeEndObject();
            }
            for (Entry e : entries.values()) {
                g.writeObjectFieldStart(e.name());
                g.writeStringField("dtype", e.dtype().name());
                g.writeArrayFieldStart("shape");
                for (long d : e.shape()) g.writeNumber(d);
                g.writeEndArray();
                long[] range = offsets.get(e.name());
                g.writeArrayFieldStart("data_offsets");
                g.writeNumber(range[0]);
                g.writeNumber(range[1]);
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndObject();
        }
        while (out.size() % PAD != 0) out.write(' ');
        return out.toByteArray();
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) ch.write(buf);
    }
}
