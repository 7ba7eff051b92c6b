package dev.javelin.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to a server process with requests in flight: it stops accepting connections, answers every
 * request it had, and exits.
 */
class SigtermTest {

    @Test
    void sigtermDrainsRequestsInFlightAndExits() throws Exception {
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(javaBin.toString(), "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                TestServerMain.class.getName(), "1024")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String ready = out.readLine();
            assertThat(ready).as("server output").startsWith("port ");
            TestClient client = new TestClient(Integer.parseInt(ready.substring(5).trim()));
            String body = "{\"inputs\": [" + String.join(", ", java.util.Collections.nCopies(4,
                    "\"" + "the quick brown fox jumps over the lazy dog ".repeat(40) + "\"")) + "]}";
            List<Future<TestClient.Answer>> inFlight = new ArrayList<>();
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 6; i++) {
                    inFlight.add(clients.submit(() -> client.post("/embed", body)));
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!client.get("/metrics").body().contains("te_request_count_total{method=\"batch\"} 6.0")) {
                    assertThat(System.nanoTime()).as("requests never arrived").isLessThan(deadline);
                    Thread.sleep(5);
                }
                process.destroy();
                for (Future<TestClient.Answer> f : inFlight) {
                    TestClient.Answer answer = f.get(120, TimeUnit.SECONDS);
                    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
                    assertThat(answer.json()).hasSize(4);
                }
            }
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
            // 143 = 128 + SIGTERM: the JVM's status after a signal-initiated shutdown.
            assertThat(process.exitValue()).isEqualTo(143);
            assertThatThrownBy(() -> client.get("/health"))
                    .isInstanceOf(UncheckedIOException.class).hasCauseInstanceOf(ConnectException.class);
        } finally {
            process.destroyForcibly();
        }
    }
}
