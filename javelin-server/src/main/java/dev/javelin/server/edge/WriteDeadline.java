package dev.javelin.server.edge;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The stream toward a client, each write and flush bounded in time. A socket write blocks while the
 * client's receive window is full, so a client that sends requests but never reads the answers would
 * hold its connection, and its relay thread, for ever; past the deadline {@code onTimeout} runs (it
 * closes the connection, which ends the write with an exception).
 */
final class WriteDeadline extends FilterOutputStream {
    /** One timer for all connections: it only closes sockets, which does not block. */
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("javelin-write-timeout").daemon().factory());

    private final long timeoutNanos;
    private final Runnable onTimeout;

    WriteDeadline(OutputStream out, Duration timeout, Runnable onTimeout) {
        super(out);
        this.timeoutNanos = timeout.toNanos();
        this.onTimeout = onTimeout;
    }

    @Override
    public void write(int b) throws IOException {
        bounded(() -> out.write(b));
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        bounded(() -> out.write(b, off, len));
    }

    @Override
    public void flush() throws IOException {
        bounded(out::flush);
    }

    private interface Write {
        void run() throws IOException;
    }

    private void bounded(Write write) throws IOException {
        ScheduledFuture<?> deadline = TIMER.schedule(onTimeout, timeoutNanos, TimeUnit.NANOSECONDS);
        try {
            write.run();
        } finally {
            deadline.cancel(false);
        }
    }
}
