package dev.javelin.io.safetensors;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * Linux page-cache probes through FFM: evict a file's clean pages ({@code posix_fadvise
 * DONTNEED}) and count which pages of a mapping are resident ({@code mincore}). Lets a test see
 * which bytes of a file were actually read.
 */
final class PageCache {
    private PageCache() {}

    private static final Linker LINKER = Linker.nativeLinker();
    private static final int O_RDONLY = 0;
    private static final int POSIX_FADV_DONTNEED = 4;
    private static final int SC_PAGESIZE = 30;

    private static final MethodHandle OPEN = handle("open", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = handle("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle FADVISE = handle("posix_fadvise", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    private static final MethodHandle MINCORE = handle("mincore", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
    private static final MethodHandle SYSCONF = handle("sysconf", FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));

    private static MethodHandle handle(String name, FunctionDescriptor fd, Linker.Option... options) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), fd, options);
    }

    static long pageSize() {
        try {
            return (long) SYSCONF.invokeExact(SC_PAGESIZE);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Drops the file's (clean) pages from the page cache. */
    static void evict(Path file) {
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) OPEN.invokeExact(arena.allocateFrom(file.toString()), O_RDONLY);
            if (fd < 0) throw new IllegalStateException("open failed: " + file);
            int rc = (int) FADVISE.invokeExact(fd, 0L, 0L, POSIX_FADV_DONTNEED);
            int closed = (int) CLOSE.invokeExact(fd);
            if (rc != 0 || closed != 0) throw new IllegalStateException("posix_fadvise failed: " + rc);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** How many pages of the page-aligned {@code mapping} are in the page cache. */
    static long residentPages(MemorySegment mapping) {
        long page = pageSize();
        long pages = (mapping.byteSize() + page - 1) / page;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment vec = arena.allocate(pages);
            int rc = (int) MINCORE.invokeExact(mapping, mapping.byteSize(), vec);
            if (rc != 0) throw new IllegalStateException("mincore failed");
            long resident = 0;
            for (long i = 0; i < pages; i++) resident += vec.get(ValueLayout.JAVA_BYTE, i) & 1;
            return resident;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
