package dev.javelin.io.source;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a cache lock file that other programs honour too. huggingface_hub (through
 * the {@code filelock} package) takes {@code flock(2)} locks on {@code .locks/...lock} files, while the
 * JDK's {@link FileChannel#lock()} takes {@code fcntl(2)} record locks, and on Linux the two kinds
 * never exclude each other. So on Linux and macOS this calls {@code flock} itself through the FFM
 * API; elsewhere it falls back to {@link FileChannel#lock()}.
 */
public final class CacheLock implements AutoCloseable {
    private static final int LOCK_EX = 2, LOCK_NB = 4, EINTR = 4, EWOULDBLOCK_LINUX = 11, EWOULDBLOCK_MAC = 35;
    private static final boolean MAC = System.getProperty("os.name", "").startsWith("Mac");
    /** O_WRONLY | O_CREAT | O_CLOEXEC, which differ between the two kernels. */
    private static final int OPEN_FLAGS = MAC ? 0x1 | 0x200 | 0x1000000 : 0x1 | 0x40 | 0x80000;
    private static final Native NATIVE = Native.load();

    private final int fd;
    private final FileChannel channel;
    private final FileLock fallback;

    private CacheLock(int fd, FileChannel channel, FileLock fallback) {
        this.fd = fd;
        this.channel = channel;
        this.fallback = fallback;
    }

    /** Waits for and takes the exclusive lock on {@code file}, creating it if needed. */
    public static CacheLock acquire(Path file) throws IOException {
        return take(file, true);
    }

    /** Takes the lock if nobody holds it; null when another process (or this one) does. */
    public static CacheLock tryAcquire(Path file) throws IOException {
        return take(file, false);
    }

    private static CacheLock take(Path file, boolean wait) throws IOException {
        if (NATIVE == null) {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                FileLock lock = wait ? channel.lock() : channel.tryLock();
                if (lock == null) {
                    channel.close();
                    return null;
                }
                return new CacheLock(-1, channel, lock);
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        }
        int fd = NATIVE.open(file);
        try {
            if (!NATIVE.flock(fd, wait ? LOCK_EX : LOCK_EX | LOCK_NB, file)) {
                NATIVE.close(fd);
                return null;
            }
            return new CacheLock(fd, null, null);
        } catch (IOException | RuntimeException e) {
            NATIVE.close(fd);
            throw e;
        }
    }

    /** Releases the lock (closing the descriptor drops a flock). The lock file stays, as huggingface_hub leaves it. */
    @Override
    public void close() throws IOException {
        if (channel != null) {
            try (channel) {
                fallback.release();
            }
        } else {
            NATIVE.close(fd);
        }
    }

    /** open/flock/close from the C library, with errno captured right after each call. */
    private record Native(MethodHandle open, MethodHandle flock, MethodHandle close, StructLayout state, VarHandle errno) {
        static Native load() {
            String os = System.getProperty("os.name", "");
            if (!os.startsWith("Linux") && !os.startsWith("Mac")) return null;
            Linker linker = Linker.nativeLinker();
            Linker.Option errnoState = Linker.Option.captureCallState("errno");
            StructLayout state = Linker.Option.captureStateLayout();
            var lookup = linker.defaultLookup();
            MethodHandle open = linker.downcallHandle(lookup.findOrThrow("open"),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
                    errnoState, Linker.Option.firstVariadicArg(2));
            MethodHandle flock = linker.downcallHandle(lookup.findOrThrow("flock"),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), errnoState);
            MethodHandle close = linker.downcallHandle(lookup.findOrThrow("close"),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            VarHandle errno = state.varHandle(MemoryLayout.PathElement.groupElement("errno"));
            return new Native(open, flock, close, state, errno);
        }

        int open(Path file) throws IOException {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment st = arena.allocate(state);
                int fd = (int) open.invokeExact(st, arena.allocateFrom(file.toString()), OPEN_FLAGS, 0644);
                if (fd < 0) throw new IOException("cannot open lock file " + file + " (errno " + (int) errno.get(st, 0L) + ")");
                return fd;
            } catch (IOException | RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException("open(2) could not be called", t);
            }
        }

        /** True when locked; false when non-blocking and another holder has it. Retries on EINTR. */
        boolean flock(int fd, int operation, Path file) throws IOException {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment st = arena.allocate(state);
                while (true) {
                    if ((int) flock.invokeExact(st, fd, operation) == 0) return true;
                    int err = (int) errno.get(st, 0L);
                    if (err == EINTR) continue;
                    if ((operation & LOCK_NB) != 0 && err == (MAC ? EWOULDBLOCK_MAC : EWOULDBLOCK_LINUX)) return false;
                    throw new IOException("cannot lock " + file + " (flock errno " + err + ")");
                }
            } catch (IOException | RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException("flock(2) could not be called", t);
            }
        }

        void close(int fd) {
            try {
                int ignored = (int) close.invokeExact(fd);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException("close(2) could not be called", t);
            }
        }
    }
}
