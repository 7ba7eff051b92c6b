package dev.javelin.io.safetensors;

import dev.javelin.io.safetensors.SafetensorsException.Rule;
import dev.javelin.tensor.DType;
import dev.javelin.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A safetensors checkpoint, memory-mapped: one file, or the shards of a
 * {@code model.safetensors.index.json} opened as one.
 *
 * <p>Opening maps each file and parses only its header, so it costs the same for a 100 KB or a
 * 100 GB checkpoint and reads no tensor bytes; the OS pages data in when a tensor is first used.
 * F32 tensors are views straight into the mapping. F16/BF16 tensors are converted to F32 once, on
 * first use, into memory this object owns. Everything handed out is valid until {@link #close()};
 * using it afterwards throws {@link IllegalStateException} (never a crash). Thread-safe.
 */
public final class SafeTensors implements AutoCloseable {

    public static final String SINGLE_FILE = "model.safetensors";
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private record Located(Path file, TensorInfo info, MemorySegment bytes) {}

    private final Path source;
    private final Arena arena;
    private final TreeMap<String, Located> tensors;
    private final Set<String> names;
    private final Map<String, String> metadata;
    private final Map<String, Tensor> converted = new ConcurrentHashMap<>();

    private SafeTensors(Path source, Arena arena, TreeMap<String, Located> tensors, Map<String, String> metadata) {
        this.source = source;
        this.arena = arena;
        this.tensors = tensors;
        this.names = Collections.unmodifiableSet(tensors.navigableKeySet());
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    /**
     * Opens a {@code .safetensors} file, a {@code model.safetensors.index.json}, or a model
     * directory holding either (the single file wins when both are there).
     *
     * @throws SafetensorsException if a file breaks a rule of the format or the index
     */
    public static SafeTensors open(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            Path single = path.resolve(SINGLE_FILE);
            Path index = path.resolve(INDEX_FILE);
            if (Files.isRegularFile(single)) return openFile(single);
            if (Files.isRegularFile(index)) return openIndex(index);
            throw new SafetensorsException(path, null, Rule.NO_CHECKPOINT,
                    "no " + SINGLE_FILE + " or " + INDEX_FILE + " in this directory");
        }
        if (path.getFileName() != null && path.getFileName().toString().endsWith(".json")) return openIndex(path);
        return openFile(path);
    }

    /** Opens a single file as one checkpoint. */
    private static SafeTensors openFile(Path file) throws IOException {
        Arena arena = Arena.ofShared();
        try {
            TreeMap<String, Located> tensors = new TreeMap<>();
            SafetensorsHeader header = map(file, arena, tensors);
            return new SafeTensors(file, arena, tensors, header.metadata());
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Opens every shard an index names and checks that the index and the shards agree exactly:
     * each listed tensor is in its shard, no shard holds a tensor twice or one the index omits.
     */
    private static SafeTensors openIndex(Path indexFile) throws IOException {
        ShardIndex index = ShardIndex.load(indexFile);
        Arena arena = Arena.ofShared();
        try {
            TreeMap<String, Located> tensors = new TreeMap<>();
            Map<String, String> metadata = new TreeMap<>();
            for (Path shard : index.shards()) {
                if (!Files.isRegularFile(shard)) {
                    throw new SafetensorsException(indexFile, firstTensorIn(index, shard), Rule.INDEX_SHARD_MISSING,
                            "shard " + shard.getFileName() + " does not exist");
                }
                Map<String, Located> inShard = new TreeMap<>();
                SafetensorsHeader header = map(shard, arena, inShard);
                header.metadata().forEach(metadata::putIfAbsent);
                for (Located t : inShard.values()) {
                    String name = t.info().name();
                    Located earlier = tensors.putIfAbsent(name, t);
                    if (earlier != null) {
                        throw new SafetensorsException(indexFile, name, Rule.INDEX_DUPLICATE_TENSOR,
                                "stored in both " + earlier.file().getFileName() + " and " + shard.getFileName());
                    }
                    Path listed = index.weightMap().get(name);
                    if (!shard.equals(listed)) {
                        throw new SafetensorsException(indexFile, name, Rule.INDEX_TENSOR_UNLISTED,
                                "stored in " + shard.getFileName() + " but the weight_map "
                                        + (listed == null ? "does not list it" : "maps it to " + listed.getFileName()));
                    }
                }
            }
            for (Map.Entry<String, Path> e : index.weightMap().entrySet()) {
                if (!tensors.containsKey(e.getKey())) {
                    throw new SafetensorsException(indexFile, e.getKey(), Rule.INDEX_TENSOR_MISSING,
                            "weight_map maps it to " + e.getValue().getFileName() + ", which does not hold it");
                }
            }
            metadata.putAll(index.metadata());
            return new SafeTensors(indexFile, arena, tensors, metadata);
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    private static String firstTensorIn(ShardIndex index, Path shard) {
        return index.weightMap().entrySet().stream().filter(e -> e.getValue().equals(shard))
                .map(Map.Entry::getKey).findFirst().orElse(null);
    }

    /**
     * Validates the header of {@code file}, maps the file into {@code arena}, and adds views of its
     * tensors to {@code into}. The header is read with plain reads rather than through the mapping:
     * a page fault on a mapping makes the kernel read around it (megabytes with a large read-ahead
     * setting), a small read does not.
     */
    private static SafetensorsHeader map(Path file, Arena arena, Map<String, Located> into) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            SafetensorsHeader header = SafetensorsHeader.parse(file, size, (offset, length) -> readFully(file, ch, offset, length));
            MemorySegment contents = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            addViews(file, contents, header, into);
            return header;
        }
    }

    private static byte[] readFully(Path file, FileChannel ch, long offset, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            if (ch.read(buf, offset + buf.position()) < 0) throw new IOException(file + " shrank while it was being opened");
        }
        return buf.array();
    }

    private static void addViews(Path file, MemorySegment contents, SafetensorsHeader header, Map<String, Located> into) {
        for (TensorEntry e : header.entries()) {
            MemorySegment bytes = contents.asSlice(header.dataStart() + e.begin(), e.end() - e.begin());
            into.put(e.info().name(), new Located(file, e.info(), bytes));
        }
    }

    /** For tests and fuzzing: a checkpoint over bytes already in memory, {@code name} standing for the file. */
    static SafeTensors of(Path name, MemorySegment contents) throws IOException {
        SafetensorsHeader header = SafetensorsHeader.parse(name, contents);
        TreeMap<String, Located> tensors = new TreeMap<>();
        addViews(name, contents, header, tensors);
        return new SafeTensors(name, Arena.ofShared(), tensors, header.metadata());
    }

    /** The file or index this was opened from. */
    public Path source() { return source; }

    /** Tensor names, sorted. */
    public Set<String> names() { return names; }

    public TensorInfo info(String name) { return locate(name).info(); }

    /** {@code __metadata__} (for a sharded checkpoint: the index's metadata over the shards'). */
    public Map<String, String> metadata() { return metadata; }

    /**
     * The tensor as F32: a zero-copy view for F32 data, a converted copy (made once) for F16/BF16.
     *
     * @throws IllegalArgumentException if there is no such tensor, or a dimension exceeds {@code int}
     * @throws UnsupportedOperationException for element types the engine does not compute with
     */
    public Tensor tensor(String name) {
        Located t = locate(name);
        DType storage = t.info().dtype().storage().orElseThrow(() -> new UnsupportedOperationException(
                t.file() + ": tensor \"" + name + "\" is " + t.info().dtype() + "; Javelin loads F32, F16 and BF16 tensors"));
        int[] shape = intShape(t);
        if (storage == DType.F32) return Tensor.wrap(t.bytes(), shape);
        return converted.computeIfAbsent(name, n -> Tensor.convert(arena, t.bytes(), storage, shape));
    }

    /** The tensor's raw little-endian bytes, zero-copy, whatever its type. */
    public MemorySegment bytes(String name) { return locate(name).bytes(); }

    /** Unmaps the files and frees converted tensors; views handed out become unusable. */
    @Override
    public void close() {
        if (arena.scope().isAlive()) arena.close();
    }

    private Located locate(String name) {
        if (!arena.scope().isAlive()) throw new IllegalStateException(source + " is closed");
        Located t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException(source + ": no tensor \"" + name + "\" among " + tensors.size()
                    + " tensors" + similar(name));
        }
        return t;
    }

    /** Names equal up to leading components: the usual miss is a prefix ("bert.") too many or too few. */
    private String similar(String name) {
        String tail = lastComponents(name, 2);
        List<String> near = new ArrayList<>();
        for (String n : names) {
            if (n.endsWith("." + name) || name.endsWith("." + n) || lastComponents(n, 2).equals(tail)) near.add(n);
            if (near.size() == 5) break;
        }
        return near.isEmpty() ? "" : " (similar: " + String.join(", ", near) + ")";
    }

    private static String lastComponents(String name, int count) {
        int at = name.length();
        for (int i = 0; i < count && at > 0; i++) at = name.lastIndexOf('.', at - 1);
        return name.substring(at + 1);
    }

    private static int[] intShape(Located t) {
        long[] shape = t.info().shape();
        int[] out = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(t.file() + ": tensor \"" + t.info().name() + "\" dimension " + i
                        + " is " + shape[i] + ", beyond what a Javelin tensor can index");
            }
            out[i] = (int) shape[i];
        }
        return out;
    }

    @Override
    public String toString() {
        return "SafeTensors[" + source + ", " + tensors.size() + " tensors]";
    }
}
