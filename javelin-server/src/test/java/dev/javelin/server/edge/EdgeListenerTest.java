package dev.javelin.server.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The listener's own behaviour: it outlives failures to accept, and refuses a cap the file limit cannot hold. */
class EdgeListenerTest {
    private static final Duration SECOND = Duration.ofSeconds(1);

    /** A server socket whose first {@code failures} accepts fail as they do when the file limit is hit. */
    private static final class FailingServerSocket extends ServerSocket {
        private final AtomicInteger failures;

        FailingServerSocket(int failures) throws IOException {
            this.failures = new AtomicInteger(failures);
            bind(new InetSocketAddress("127.0.0.1", 0));
        }

        @Override
        public Socket accept() throws IOException {
            if (failures.getAndDecrement() > 0) {
                throw new IOException("Too many open files");
            }
            return super.accept();
        }
    }

    @Test
    void whenAcceptingFailsTheListenerBacksOffAndKeepsServing() throws Exception {
        AtomicInteger failed = new AtomicInteger();
        EdgeEvents events = new EdgeEvents() {
            @Override
            public void acceptFailed() {
                failed.incrementAndGet();
            }
        };
        FailingServerSocket server = new FailingServerSocket(6);
        EdgeLimits limits = new EdgeLimits(4, SECOND, SECOND, SECOND, SECOND);
        // No handlers are needed: the request below is refused by the listener's connection itself.
        try (EdgeListener listener = EdgeListener.start(server, UnixDomainSocketAddress.of(Path.of("/nonexistent")),
                limits, events);
             Socket client = new Socket("127.0.0.1", listener.port())) {
            client.setSoTimeout(10_000);
            client.getOutputStream().write("GET / HTTP/3.0\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readAll(client.getInputStream())).startsWith("HTTP/1.1 505 ");
            assertThat(failed).hasValue(6);
        }
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aCapTheFileLimitCannotHoldIsRefusedNamingTheLimit() {
        EdgeLimits limits = new EdgeLimits(Integer.MAX_VALUE, SECOND, SECOND, SECOND, SECOND);
        assertThatThrownBy(limits::requireWithinFileLimit).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--max-connections").hasMessageContaining("ulimit -n");
    }

    @Test
    void limitsNameTheirFlagWhenOutOfRange() {
        assertThatThrownBy(() -> new EdgeLimits(0, SECOND, SECOND, SECOND, SECOND)).hasMessageContaining("--max-connections");
        assertThatThrownBy(() -> new EdgeLimits(1, SECOND, Duration.ofMillis(500), SECOND, SECOND))
                .hasMessageContaining("--header-timeout");
        assertThatThrownBy(() -> new EdgeLimits(1, SECOND, SECOND, Duration.ZERO, SECOND)).hasMessageContaining("--body-timeout");
    }
}
