package dev.javelin.nn;

import dev.javelin.tensor.ScratchBuffer;
import dev.javelin.tensor.Tensor;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Scratch tensors for one forward pass at a time, reused across layers and calls so the hot path
 * allocates nothing once warmed up. A buffer grows when a bigger batch needs it, to the next eighth of
 * a power of two (at most 12.5% over what was asked: the memory is zeroed when allocated, so all of it
 * is resident). The outgrown buffer is freed at once, the rest once neither the workspace nor any
 * view of them is reachable. Contents are stale between uses: every user overwrites what it asks for.
 *
 * <p>Not thread-safe: each concurrent forward pass needs its own workspace. The memory itself may be
 * read and written by compute-pool threads while its owner waits.
 */
public final class Workspace {
    private final Map<String, ScratchBuffer> buffers = new HashMap<>();
    /** The last tensor handed out per name: asked for again with the same shape (every layer of a pass), it is handed out again instead of a new view. */
    private final Map<String, Tensor> views = new HashMap<>();
    private final Map<Class<?>, Object> objects = new HashMap<>();

    /**
     * A tensor of {@code shape} in the buffer called {@code name}; valid until {@code name} is asked
     * for again (a view of an outgrown buffer then fails on access: its memory is freed).
     */
    public Tensor tensor(String name, int... shape) {
        Tensor last = views.get(name);
        if (last != null && hasShape(last, shape)) return last;
        long bytes = Tensor.numel(shape) * Float.BYTES;
        ScratchBuffer buffer = buffers.get(name);
        if (buffer == null || buffer.segment().byteSize() < bytes) {
            views.remove(name);
            if (buffer != null) buffers.remove(name).free();
            buffer = ScratchBuffer.allocate(capacity(bytes));
            buffers.put(name, buffer);
        }
        Tensor view = Tensor.wrap(buffer.segment().asSlice(0, bytes), shape);
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

    /**
     * The bytes a buffer holding {@code bytes} gets: rounded up to an eighth of the power of two below
     * it, so it holds at most 12.5% it was never asked for (a whole power of two wasted up to half),
     * and a buffer grown batch by batch is reallocated at most eight times per doubling.
     */
    static long capacity(long bytes) {
        long step = Math.max(Tensor.ALIGNMENT, Long.highestOneBit(bytes) / 8);
        return Math.max(Tensor.ALIGNMENT, (bytes + step - 1) / step * step);
    }

    /** Bytes held, for diagnostics. */
    public long bytes() {
        return buffers.values().stream().mapToLong(b -> b.segment().byteSize()).sum();
    }
}
