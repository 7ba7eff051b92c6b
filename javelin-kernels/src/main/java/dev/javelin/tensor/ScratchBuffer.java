package dev.javelin.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;

/**
 * Native memory for scratch tensors that is freed as soon as its holder says so, or else once nothing
 * reaches it. An automatic arena frees only when the GC finds it unreachable, which for a buffer that
 * was promoted may be long after it was outgrown; a shared arena frees on close, but a buffer its
 * holder forgets would never be freed, and a view may outlive the holder (a forward pass's result).
 *
 * <p>So the memory is owned by one shared arena (compute-pool threads use it) and handed out through
 * another, the views' arena. {@link #free} closes the views' arena, so every view fails on access from
 * then on, then the memory's. A buffer never freed so is freed by a cleaner once nothing reaches the
 * views' scope: neither the holder nor any view. Neither arena is counted by
 * {@code -XX:MaxDirectMemorySize}, unlike an automatic one.
 */
public final class ScratchBuffer {
    private static final Cleaner CLEANER =
            Cleaner.create(r -> Thread.ofPlatform().name("javelin-scratch-cleaner").daemon().unstarted(r));

    private final MemorySegment memory;
    private final Arena views;

    private ScratchBuffer(MemorySegment memory, Arena views) {
        this.memory = memory;
        this.views = views;
    }

    /** {@code bytes} of zeroed memory aligned to {@link Tensor#ALIGNMENT}. */
    public static ScratchBuffer allocate(long bytes) {
        Arena owner = Arena.ofShared();
        Arena views = Arena.ofShared();
        // the action holds the owning arena only: holding the views' would keep their scope reachable
        Cleaner.Cleanable free = CLEANER.register(views.scope(), owner::close);
        MemorySegment memory = owner.allocate(bytes, Tensor.ALIGNMENT).reinterpret(bytes, views, m -> free.clean());
        return new ScratchBuffer(memory, views);
    }

    /** The memory, in the views' scope: it and its slices fail on access once the buffer is freed. */
    public MemorySegment segment() {
        return memory;
    }

    /** Frees the memory now; every view of it is invalid from then on. */
    public void free() {
        views.close();
    }
}
