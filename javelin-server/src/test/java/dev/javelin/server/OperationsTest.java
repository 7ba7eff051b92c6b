package dev.javelin.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.javelin.engine.Engine;
import dev.javelin.engine.ModelSpec;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The server's operational behaviour with the real default model: API key, CORS, overload (429),
 * an unhealthy model (503), a client hanging up while queued, and graceful shutdown with requests in
 * flight.
 */
class OperationsTest {

    private static InferenceServer start(ServerConfig.Builder config) throws Exception {
        return InferenceServer.launch(config.hostname("127.0.0.1").port(0).build(), System.err);
    }

    /** A text that tokenizes past the model's maximum, so each input costs a full-length sequence. */
    private static String longText(int index) {
        StringBuilder text = new StringBuilder("request " + index);
        for (int i = 0; i < 600; i++) {
            text.append(i % 3 == 0 ? " river" : i % 3 == 1 ? " stone" : " light");
        }
        return text.toString();
    }

    private static String longInputs(int first, int count) {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            texts.add("\"" + longText(first + i) + "\"");
        }
        return "{\"inputs\": [" + String.join(", ", texts) + "]}";
    }

    private static double metric(TestClient client, String name, String labels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name + labels) + " (\\S+)$").matcher(client.get("/metrics").body());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void aServerListeningBeforeItsModelIsLoadedSaysSo() throws Exception {
        try (InferenceServer server = InferenceServer.listen(ServerConfig.builder().hostname("127.0.0.1").port(0).build())) {
            TestClient client = new TestClient(server.port());
            TestClient.Answer health = client.get("/health");
            assertThat(health.status()).isEqualTo(503);
            assertThat(health.json().get("error").asText()).isEqualTo("the model is loading");
            TestClient.Answer embed = client.post("/embed", "{\"inputs\": \"a\"}");
            assertThat(embed.status()).isEqualTo(503);
            assertThat(embed.json().get("error_type").asText()).isEqualTo("Unhealthy");
            assertThat(client.get("/info").status()).isEqualTo(503);
            assertThat(client.get("/metrics").status()).isEqualTo(200);

            Engine engine = Engine.load(ModelSpec.DEFAULT);
            server.serve(engine);
            assertThat(client.get("/health").status()).isEqualTo(200);
            assertThat(client.post("/embed", "{\"inputs\": \"a\"}").status()).isEqualTo(200);
            assertThatThrownBy(() -> server.serve(engine)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void apiKeyGuardsEverythingButHealthMetricsAndDocs() throws Exception {
        try (InferenceServer server = start(ServerConfig.builder().apiKey("s3cret"))) {
            TestClient client = new TestClient(server.port());
            TestClient.Answer missing = client.post("/embed", "{\"inputs\": \"a\"}");
            assertThat(missing.status()).isEqualTo(401);
            assertThat(missing.json().get("error").asText()).contains("API key");
            assertThat(client.post("/embed", "{\"inputs\": \"a\"}", "Authorization", "Bearer wrong").status()).isEqualTo(401);
            assertThat(client.post("/embed", "{\"inputs\": \"a\"}", "Authorization", "s3cret").status()).isEqualTo(401);
            assertThat(client.post("/embed", "{\"inputs\": \"a\"}", "Authorization", "Bearer s3cret").status()).isEqualTo(200);
            assertThat(client.post("/v1/embeddings", "{\"input\": \"a\"}", "Authorization", "Bearer s3cret").status())
                    .isEqualTo(200);
            assertThat(client.get("/info").status()).isEqualTo(401);
            assertThat(client.get("/info", "Authorization", "Bearer s3cret").json().get("api_key_required").asBoolean())
                    .isTrue();
            for (String open : List.of("/health", "/metrics", "/openapi.json", "/docs")) {
                assertThat(client.get(open).status()).as(open).isEqualTo(200);
            }
        }
    }

    @Test
    void corsAllowsTheConfiguredOriginsOnly() throws Exception {
        try (InferenceServer server = start(ServerConfig.builder().corsAllowOrigin(List.of("https://app.example")))) {
            TestClient client = new TestClient(server.port());
            TestClient.Answer preflight = client.send(HttpRequest.newBuilder(URI.create(client.base() + "/embed"))
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                    .header("Origin", "https://app.example").header("Access-Control-Request-Method", "POST").build());
            assertThat(preflight.status()).isEqualTo(200);
            assertThat(preflight.header("access-control-allow-origin")).isEqualTo("https://app.example");
            TestClient.Answer other = client.send(HttpRequest.newBuilder(URI.create(client.base() + "/embed"))
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                    .header("Origin", "https://evil.example").header("Access-Control-Request-Method", "POST").build());
            assertThat(other.header("access-control-allow-origin")).isNull();
            TestClient.Answer simple = client.post("/embed", "{\"inputs\": \"a\"}", "Origin", "https://app.example");
            assertThat(simple.status()).isEqualTo(200);
            assertThat(simple.header("access-control-allow-origin")).isEqualTo("https://app.example");
        }
    }

    @Test
    void overloadIsRefusedAt429AndEverythingElseIsServed() throws Exception {
        try (InferenceServer server = start(ServerConfig.builder().maxConcurrentRequests(4).maxBatchTokens(1024))) {
            TestClient client = new TestClient(server.port());
            TestClient.Answer tooMany = client.post("/embed", "{\"inputs\": [\"a\", \"b\", \"c\", \"d\", \"e\"]}");
            assertThat(tooMany.status()).isEqualTo(429);
            assertThat(tooMany.json().get("error_type").asText()).isEqualTo("Overloaded");
            assertThat(tooMany.json().get("error").asText()).isEqualTo("Model is overloaded");

            Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 40; i++) {
                    int index = i;
                    clients.submit(() -> {
                        TestClient.Answer a = client.post("/embed", longInputs(index * 2, 2));
                        statuses.computeIfAbsent(a.status(), s -> new AtomicInteger()).incrementAndGet();
                        if (a.status() == 200) {
                            assertThat(a.json()).hasSize(2);
                        }
                    });
                }
            }
            assertThat(statuses.keySet()).as("statuses %s", statuses).containsOnly(200, 429).contains(429);
            assertThat(statuses.get(200).get()).isPositive();
            assertThat(metric(client, "te_request_failure_total", "{err=\"overloaded\"}")).isGreaterThanOrEqualTo(1);
            assertThat(client.post("/embed", "{\"inputs\": \"after the storm\"}").status()).isEqualTo(200);
        }
    }

    @Test
    void aFailingModelIsUnhealthyAndAnswers424() throws Exception {
        // Weights unmapped under the server: every forward pass fails, as with a broken model.
        Engine engine = Engine.load(ModelSpec.DEFAULT);
        engine.close();
        try (InferenceServer server = InferenceServer.start(ServerConfig.builder().hostname("127.0.0.1").port(0).build(),
                engine)) {
            TestClient client = new TestClient(server.port());
            TestClient.Answer health = client.get("/health");
            assertThat(health.status()).isEqualTo(503);
            assertThat(health.json().get("error_type").asText()).isEqualTo("Unhealthy");
            TestClient.Answer embed = client.post("/embed", "{\"inputs\": \"a\"}");
            assertThat(embed.status()).isEqualTo(424);
            assertThat(embed.json().get("error_type").asText()).isEqualTo("Backend");
            assertThat(embed.json().get("error").asText()).contains("is closed");
        }
    }

    @Test
    void aClientThatHangsUpWhileQueuedIsDroppedBeforeCompute() throws Exception {
        try (InferenceServer server = start(ServerConfig.builder().maxBatchTokens(1024))) {
            TestClient client = new TestClient(server.port());
            assertThat(client.get("/health").status()).isEqualTo(200);
            double droppedBefore = metric(client, "te_request_failure_total", "{err=\"dropped\"}");
            List<Future<TestClient.Answer>> busy = new ArrayList<>();
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                // Enough queued work that the hang-up below happens while its inputs still wait: with
                // the packed-weight kernels, four such requests were done within the 200 ms the
                // client stays connected, and its inputs were computed instead of dropped.
                for (int i = 0; i < 16; i++) {
                    int index = i;
                    busy.add(clients.submit(() -> client.post("/embed", longInputs(index * 4, 4))));
                }
                waitForQueue(client);
                byte[] body = "{\"inputs\": [\"nobody will read this\", \"nor this\"]}".getBytes(StandardCharsets.UTF_8);
                try (Socket socket = new Socket("127.0.0.1", server.port())) {
                    OutputStream out = socket.getOutputStream();
                    out.write(("POST /embed HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body);
                    out.flush();
                    Thread.sleep(200);
                }
                for (Future<TestClient.Answer> f : busy) {
                    assertThat(f.get(120, TimeUnit.SECONDS).status()).isEqualTo(200);
                }
            }
            assertThat(metric(client, "te_request_failure_total", "{err=\"dropped\"}")).isEqualTo(droppedBefore + 2);
            assertThat(client.post("/embed", "{\"inputs\": \"still serving\"}").status()).isEqualTo(200);
        }
    }

    private static void waitForQueue(TestClient client) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (metric(client, "te_queue_size", "") < 1) {
            assertThat(System.nanoTime()).as("inputs never queued").isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    @Test
    void shutdownAnswersEveryRequestInFlightThenRefusesConnections() throws Exception {
        InferenceServer server = start(ServerConfig.builder().maxBatchTokens(1024).shutdownGracePeriod(Duration.ofSeconds(60)));
        int port = server.port();
        TestClient client = new TestClient(port);
        List<Future<TestClient.Answer>> inFlight = new ArrayList<>();
        CountDownLatch closed = new CountDownLatch(1);
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 8; i++) {
                int index = i;
                inFlight.add(clients.submit(() -> client.post("/embed", longInputs(index * 3, 3))));
            }
            // Every request accepted and parsed before shutdown begins.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (metric(client, "te_request_count_total", "{method=\"batch\"}") < inFlight.size()) {
                assertThat(System.nanoTime()).as("requests never arrived").isLessThan(deadline);
                Thread.sleep(5);
            }
            Thread.ofVirtual().start(() -> {
                server.close();
                closed.countDown();
            });
            for (Future<TestClient.Answer> f : inFlight) {
                TestClient.Answer answer = f.get(120, TimeUnit.SECONDS);
                assertThat(answer.status()).as(answer.body()).isEqualTo(200);
                assertThat(answer.json()).hasSize(3);
                assertThat(answer.json().get(0)).hasSize(384);
            }
        }
        assertThat(closed.await(60, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> new TestClient(port).get("/health"))
                .isInstanceOf(UncheckedIOException.class).hasCauseInstanceOf(ConnectException.class);
    }
}
