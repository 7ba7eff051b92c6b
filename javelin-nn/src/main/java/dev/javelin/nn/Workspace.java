package dev.javelin.nn;

import dev.javelin.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Scratch tensors for one forward pass at a time, reused across layers and calls so the hot path
 * allocates nothing once warmed up. A buffer grows (to the next power of two) when a bigger batch
 * needs it; the outgrown one is freed by the GC. Contents are stale between uses: every user
 * overwrites what it asks for.
 *
 * <p>Not thread-safe: each concurrent forward pass needs its own workspace. The memory itself may be
 * read and written by compute-pool threads while its owner waits.
 */
public final class Workspace {
    private final Map<String, MemorySegment> buffers = new HashMap<>();
    /** The last tensor handed out per name: asked for again with the same shape (every layer of a pass), it is handed out again instead of a new view. */
    private final Map<String, Tensor> views = new HashMap<>();
    private final Map<Class<?>, Object> objects = new HashMap<>();

    /** A tensor of {@code shape} in the buffer called {@code name}; valid until {@code name} is asked for again. */
    public Tensor tensor(String name, int... shape) {
        Tensor last = views.get(name);
        if (last != null && hasShape(last, shape)) return last;
        long bytes = Tensor.numel(shape) * Float.BYTES;
        MemorySegment seg = buffers.get(name);
        if (seg == null || seg.byteSize() < bytes) {
            long capacity = Math.max(Tensor.ALIGNMENT, Long.highestOneBit(Math.max(1, bytes - 1)) << 1);
            seg = Arena.ofAuto().allocate(capacity, Tensor.ALIGNMENT);
            buffers.put(name, seg);
        }
        Tensor view = Tensor.wrap(seg.asSlice(0, bytes), shape);
        views.put(name, view);
        return view;
    }

    /**
     * {@link #tensor(String, int...)} of a matrix, without a shape array per call: every layer of a
     * pass asks for its matrices again, and a varargs array is not always optimised away.
     */
    public Tensor tensor(String name, int rows, int cols) {
        Tensor last = views.get(name);
        if (last != null && last.rank() == 2 && last.dim(0) == rows && last.dim(1) == cols) return last;
        return tensor(name, new int[] {rows, cols});
    }

    /**
     * This workspace's one object of {@code type}, made by {@code create} when first asked for: a
     * pass's reusable helper (a loop body, index arrays) that would otherwise be allocated per call.
     * Like the tensors, it serves one forward pass at a time.
     */
    public <T> T scratch(Class<T> type, Supplier<? extends T> create) {
        Object o = objects.get(type);
        if (o == null) {
            o = create.get();
            objects.put(type, o);
        }
        return type.cast(o);
    }

    private static boolean hasShape(Tensor t, int[] shape) {
        if (t.rank() != shape.length) return false;
        for (int i = 0; i < shape.length; i++) if (t.dim(i) != shape[i]) return false;
        return true;
    }

    /** Bytes held, for diagnostics. */
    public long bytes() {
        return buffers.values().stream().mapToLong(MemorySegment::byteSize).sum();
    }
}
