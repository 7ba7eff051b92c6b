package dev.javelin.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Connection floods against a server process whose file limit is lowered to 1024 ({@code ulimit -n}),
 * so that the flood exhausts that process and not the machine: 2,000 connections that send nothing.
 */
class ConnectionFloodTest {
    private static final int FLOOD = 2000;
    private static final String HEALTH = "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    private static final String METRICS = "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

    /** Starts TestServerMain under {@code ulimit -n 1024} with its default connection cap. */
    private static Process server() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = "ulimit -n 1024 && exec \"$0\" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED"
                + " -cp \"$1\" " + TestServerMain.class.getName() + " 16384";
        return new ProcessBuilder("bash", "-c", command, java, System.getProperty("java.class.path"))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static int port(Process process) throws IOException {
        String ready = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertThat(ready).as("server output").startsWith("port ");
        return Integer.parseInt(ready.substring(5).trim());
    }

    private static List<Socket> flood(int port) throws IOException {
        List<Socket> sockets = new ArrayList<>(FLOOD);
        for (int i = 0; i < FLOOD; i++) {
            sockets.add(RawHttp.connect(port));
        }
        return sockets;
    }

    private static void closeAll(List<Socket> sockets) throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
    }

    private static double counter(int port, String name) {
        RawHttp.Reply metrics = RawHttp.exchange(port, METRICS, Duration.ofSeconds(10));
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{[^}]*} ([0-9.E]+)$").matcher(metrics.text());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void twoThousandIdleConnectionsUnderAFileLimitOf1024NeverSilenceTheServer() throws Exception {
        Process process = server();
        try {
            int port = port(process);
            List<Socket> idle = flood(port);
            try {
                RawHttp.Reply during = RawHttp.exchange(port, HEALTH, Duration.ofSeconds(10));
                assertThat(during.statuses()).as("/health during the flood: " + during.text()).containsExactly(200);
                // The cap (what 1024 descriptors leave, halved) is far below 2,000: idle ones made room.
                assertThat(counter(port, "javelin_connections_evicted_total")).isGreaterThan(FLOOD - 1024 / 2);
            } finally {
                closeAll(idle);
            }
            RawHttp.Reply after = RawHttp.exchange(port, HEALTH, Duration.ofSeconds(10));
            assertThat(after.statuses()).as("/health after the flood: " + after.text()).containsExactly(200);
        } finally {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
