package dev.javelin.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.javelin.server.edge.EdgeLimits;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The server as a hostile client meets it, on raw sockets: RFC 9112 framing (smuggling shapes,
 * malformed request lines and headers, versions, methods), {@code Connection: close}, strict JSON, and
 * the connection limits and timeouts, lowered so the test runs in seconds. The default model is served,
 * so that bodies reach the routes' JSON checks.
 */
class HttpHardeningTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String JSON = "{\"inputs\":\"hello\"}";

    private static InferenceServer server;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        server = InferenceServer.launch(ServerConfig.builder().hostname("127.0.0.1").port(0)
                .connectionLimits(new EdgeLimits(8, Duration.ofMillis(400), Duration.ofMillis(800),
                        Duration.ofMillis(800), Duration.ofMillis(800), Duration.ofMillis(800)))
                .build(), System.err);
        port = server.port();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static RawHttp.Reply send(String request) {
        return RawHttp.exchange(port, request, WAIT);
    }

    private static String post(String path, String headers, String body) {
        return "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + headers + "\r\n" + body;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            two different Content-Length        | Content-Length: 18\\r\\nContent-Length: 5\\r\\n           | more than one Content-Length
            Content-Length with chunked         | Content-Length: 4\\r\\nTransfer-Encoding: chunked\\r\\n | both Transfer-Encoding and Content-Length
            Content-Length -1                   | Content-Length: -1\\r\\n                                | is not a decimal length
            Content-Length +18                  | Content-Length: +18\\r\\n                               | is not a decimal length
            obsolete line folding               | X-A: b\\r\\n c\\r\\nContent-Length: 18\\r\\n           | folded header line
            white space before the colon        | Content-Length : 18\\r\\n                               | not a token
            """)
    void badFramingIs400AndTheConnectionCloses(String name, String headers, String message) {
        // A second request follows on the same connection: it must never be answered.
        RawHttp.Reply reply = send(post("/embed", headers.replace("\\r\\n", "\r\n"), JSON)
                + "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(reply.statuses()).as(reply.text()).containsExactly(400);
        assertThat(reply.text()).contains(message);
        assertThat(reply.closed()).as("closed").isTrue();
    }

    @Test
    void invalidChunkSizeIs400WithoutExceptionText() {
        RawHttp.Reply reply = send(post("/embed", "Transfer-Encoding: chunked\r\n", "zz\r\nabc\r\n0\r\n\r\n"));
        assertThat(reply.statuses()).as(reply.text()).containsExactly(400);
        assertThat(reply.text()).contains("chunk size that is not hexadecimal").doesNotContain("Exception");
        assertThat(reply.closed()).isTrue();
    }

    @Test
    void validChunkedBodyReachesTheHandler() {
        String body = "{\"inputs\":\"hello\"} {}";
        RawHttp.Reply reply = send(post("/embed", "Transfer-Encoding: chunked\r\nConnection: close\r\n",
                Integer.toHexString(body.length()) + ";ext=1\r\n" + body + "\r\n0\r\n\r\n"));
        // The body arrives whole, so the handler sees its trailing data (422), not a framing error.
        assertThat(reply.statuses()).as(reply.text()).containsExactly(422);
        assertThat(reply.text()).contains("data after the JSON value");
    }

    @Test
    void nulInTheMethodIs400() {
        RawHttp.Reply reply = send("GE\0T /health HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(reply.statuses()).as(reply.text()).containsExactly(400);
        assertThat(reply.closed()).isTrue();
    }

    @Test
    void bareLfAndMissingHostAre400() {
        assertThat(send("GET /metrics HTTP/1.1\nHost: x\n\n").statuses()).containsExactly(400);
        assertThat(send("GET /metrics HTTP/1.1\r\n\r\n").statuses()).containsExactly(400);
    }

    @Test
    void http10IsAnsweredThenClosed() {
        RawHttp.Reply reply = send("GET /metrics HTTP/1.0\r\n\r\n");
        assertThat(reply.statuses()).as(reply.text()).containsExactly(200);
        assertThat(reply.text()).contains("javelin_connections_open");
        assertThat(reply.closed()).isTrue();
    }

    @ParameterizedTest
    @CsvSource({"HTTP/2.0", "HTTP/1.2", "HTTP/0.9"})
    void otherVersionsAre505(String version) {
        RawHttp.Reply reply = send("GET /metrics " + version + "\r\nHost: x\r\n\r\n");
        assertThat(reply.statuses()).as(reply.text()).containsExactly(505);
        assertThat(reply.closed()).isTrue();
    }

    @Test
    void connectionCloseIsHonoured() {
        RawHttp.Reply reply = send("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                + "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(reply.statuses()).containsExactly(200);
        assertThat(reply.closed()).as("closed after the first answer").isTrue();
    }

    @Test
    void headIsGetWithoutTheBody() {
        RawHttp.Reply reply = send("HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\nGET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(reply.statuses()).as(reply.text()).containsExactly(200, 404);
        assertThat(reply.text()).doesNotContain("javelin_connections_open");
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderOnOneConnection() {
        RawHttp.Reply reply = RawHttp.exchange(port, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
                + "POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}" + "GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                WAIT);
        assertThat(reply.statuses()).as(reply.text()).containsExactly(200, 405, 404);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"FOO|/health|GET, HEAD", "DELETE|/info|GET, HEAD", "GET|/embed|POST",
            "HEAD|/embed|POST", "PUT|/v1/embeddings|POST"})
    void wrongMethodsAre405WithAllow(String method, String path, String allow) {
        RawHttp.Reply reply = send(method + " " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(reply.statuses()).as(reply.text()).containsExactly(405);
        assertThat(reply.text()).containsIgnoringCase("Allow: " + allow + "\r\n");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            trailing garbage      | {"inputs":"hello"}garbage                     | not valid JSON
            two objects           | {"inputs":"hello"}{"inputs":"hello"}          | data after the JSON value
            a trailing NUL        | {"inputs":"hello"}<NUL>                       | not valid JSON
            a lone high surrogate | {"inputs":"a\\ud800b"}                        | ud800 at index 1
            a lone low surrogate  | {"inputs":["ok", "\\udc00"]}                  | udc00 at index 0
            """)
    void bodiesThatAreNotOneWellFormedJsonValueAre422(String name, String body, String message) {
        body = body.replace("<NUL>", "\0");
        for (String path : List.of("/embed", "/tokenize", "/v1/embeddings")) {
            RawHttp.Reply reply = send(post(path, "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length
                    + "\r\nConnection: close\r\n", body));
            assertThat(reply.statuses()).as(path + ": " + reply.text()).containsExactly(422);
            assertThat(reply.text()).as(path).contains(message).doesNotContain("com.fasterxml");
        }
    }

    @Test
    void aPairedSurrogateIsNotRefused() {
        String body = "{\"inputs\":\"\\ud83d\\ude00\"}";
        RawHttp.Reply reply = send(post("/embed", "Content-Length: " + body.length() + "\r\nConnection: close\r\n", body));
        assertThat(reply.statuses()).as(reply.text()).containsExactly(200);
    }

    @Test
    void aConnectionThatSendsNothingIsClosedWithinTheRequestLineTimeout() throws IOException {
        try (Socket s = RawHttp.connect(port)) {
            long start = System.nanoTime();
            RawHttp.Reply reply = RawHttp.read(s, WAIT);
            assertThat(reply.closed()).as("closed").isTrue();
            assertThat(reply.text()).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(WAIT);
        }
    }

    @Test
    void aSlowHeaderIs408AndClosed() throws IOException {
        try (Socket s = RawHttp.connect(port)) {
            s.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            RawHttp.Reply reply = RawHttp.read(s, WAIT);
            assertThat(reply.statuses()).as(reply.text()).containsExactly(408);
            assertThat(reply.closed()).isTrue();
        }
    }

    @Test
    void aSlowBodyIsCutOff() throws IOException {
        try (Socket s = RawHttp.connect(port)) {
            s.getOutputStream().write(post("/embed", "Content-Length: 18\r\n", "{\"inp").getBytes(StandardCharsets.US_ASCII));
            assertThat(RawHttp.read(s, WAIT).closed()).as("closed").isTrue();
        }
    }

    @Test
    void anIdleKeptAliveConnectionIsClosedAfterTheIdleTimeout() throws IOException {
        try (Socket s = RawHttp.connect(port)) {
            s.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            RawHttp.Reply reply = RawHttp.read(s, WAIT);
            assertThat(reply.statuses()).containsExactly(200);
            assertThat(reply.closed()).as("closed when idle").isTrue();
        }
    }

    @Test
    void aClientThatDoesNotReadItsAnswersIsDisconnectedAfterTheWriteTimeout() throws Exception {
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(4096);
            s.connect(new java.net.InetSocketAddress("127.0.0.1", port));
            // far more answer bytes than the socket buffers on both sides hold, and never a byte read
            s.getOutputStream().write("GET /openapi.json HTTP/1.1\r\nHost: x\r\n\r\n".repeat(500).getBytes(StandardCharsets.US_ASCII));
            long deadline = System.nanoTime() + WAIT.toNanos();
            String metrics = "";
            while (System.nanoTime() < deadline && !metrics.contains("phase=\"write\"")) {
                Thread.sleep(200);
                metrics = send("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").text();
            }
            assertThat(metrics).containsPattern("javelin_connections_timed_out_total\\{phase=\"write\"} [1-9]\\.0");
        }
    }

    @Test
    void atTheCapIdleConnectionsMakeRoomAndBusyOnesAreKept() throws IOException {
        List<Socket> held = new ArrayList<>();
        try {
            // More idle connections than the cap (8): the newest take the place of the oldest.
            for (int i = 0; i < 12; i++) {
                held.add(RawHttp.connect(port));
            }
            RawHttp.Reply fresh = send("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(fresh.statuses()).as(fresh.text()).containsExactly(200);
            assertThat(fresh.text()).containsPattern("javelin_connections_evicted_total\\{reason=\"max_connections\"} ([5-9]|1\\d)\\.0");
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }
}
