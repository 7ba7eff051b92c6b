package dev.javelin.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.javelin.pipelines.EmbeddingsPipeline;
import dev.javelin.engine.Label;
import dev.javelin.pipelines.Pipelines;
import dev.javelin.engine.ScoreFunction;
import dev.javelin.pipelines.TextClassificationPipeline;
import dev.javelin.engine.EmbedOptions;
import dev.javelin.engine.Input;
import dev.javelin.engine.ModelSpec;
import dev.javelin.engine.Truncate;
import dev.javelin.engine.Vectors;
import dev.javelin.tokenizers.Encoding;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real server on a loopback port serving the real default model (all-MiniLM-L6-v2), checked
 * route by route against the in-process pipeline on the same texts: TEI's shapes, defaults, options
 * (normalize, dimensions, truncation both ways, token-id inputs), headers, and error statuses.
 */
class EmbeddingServerTest {
    private static final float TOLERANCE = 1e-5f;

    private static InferenceServer server;
    private static EmbeddingsPipeline reference;
    private static TestClient client;
    private static int maxInputLength;

    @BeforeAll
    static void start() throws Exception {
        server = InferenceServer.launch(ServerConfig.builder().hostname("127.0.0.1").port(0).maxClientBatchSize(8)
                .payloadLimit(100_000).servedModelName("minilm").build(), System.err);
        reference = Pipelines.embeddings(ModelSpec.DEFAULT);
        client = new TestClient(server.port());
        maxInputLength = reference.info().maxInputLength();
    }

    @AfterAll
    static void stop() {
        server.close();
        reference.close();
    }

    private static void assertClose(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("component %d", i).isCloseTo(expected[i], within(TOLERANCE));
        }
    }

    private static void assertError(TestClient.Answer answer, int status, String type, String messagePart) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.json().get("error_type").asText()).isEqualTo(type);
        assertThat(answer.json().get("error").asText()).contains(messagePart);
    }

    private static float[] normalized(float[] v) {
        return Vectors.normalized(v);
    }

    @Test
    void embedReturnsThePipelinesNormalisedEmbeddingsAlwaysTwoDimensional() {
        TestClient.Answer single = client.post("/embed", "{\"inputs\": \"What is Deep Learning?\"}");
        assertThat(single.status()).isEqualTo(200);
        assertThat(single.json().isArray()).isTrue();
        assertThat(single.json()).hasSize(1);
        assertClose(TestClient.floats(single.json().get(0)), reference.embed("What is Deep Learning?"));

        List<String> texts = List.of("The cat sat on the mat.", "Javelin serves transformers from the JVM.", "ok");
        TestClient.Answer batch = client.post("/embed", "{\"inputs\": [\"" + String.join("\", \"", texts) + "\"]}");
        float[][] expected = reference.embed(texts);
        assertThat(batch.json()).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertClose(TestClient.floats(batch.json().get(i)), expected[i]);
        }
        for (String header : List.of("x-compute-time", "x-queue-time", "x-tokenization-time", "x-inference-time",
                "x-total-time", "x-compute-tokens", "x-compute-characters")) {
            assertThat(batch.header(header)).as(header).matches("\\d+");
        }
        assertThat(batch.header("x-compute-characters")).isEqualTo(Integer.toString(
                texts.stream().mapToInt(String::length).sum()));
    }

    @Test
    void normalizeFalseGivesThePooledVectorAndDimensionsCutBeforeNormalising() {
        String text = "Matryoshka embeddings keep their first dimensions.";
        float[] raw = reference.embed(List.of(Input.of(text)), new EmbedOptions(Truncate.RIGHT, false, null))[0];
        TestClient.Answer unnormalised = client.post("/embed", "{\"inputs\": \"" + text + "\", \"normalize\": false}");
        assertClose(TestClient.floats(unnormalised.json().get(0)), raw);

        TestClient.Answer cut = client.post("/embed", "{\"inputs\": \"" + text + "\", \"dimensions\": 64}");
        assertClose(TestClient.floats(cut.json().get(0)), normalized(Arrays.copyOf(raw, 64)));

        assertError(client.post("/embed", "{\"inputs\": \"x\", \"dimensions\": 0}"), 422, "Validation", "`dimensions` should be positive");
        assertError(client.post("/embed", "{\"inputs\": \"x\", \"dimensions\": 100000}"), 422, "Validation",
                "`dimensions` should be smaller than the maximum embedding dimension");
    }

    @Test
    void tokenIdsEmbedLikeTheirText() {
        String text = "token ids from a client side tokenizer";
        TestClient.Answer tokens = client.post("/tokenize", "{\"inputs\": \"" + text + "\"}");
        StringBuilder ids = new StringBuilder();
        for (JsonNode t : tokens.json().get(0)) {
            ids.append(ids.isEmpty() ? "" : ",").append(t.get("id").asInt());
        }
        TestClient.Answer byIds = client.post("/embed", "{\"inputs\": [" + ids + "]}");
        assertThat(byIds.status()).isEqualTo(200);
        assertThat(byIds.json()).hasSize(1);
        assertClose(TestClient.floats(byIds.json().get(0)), reference.embed(text));

        TestClient.Answer mixed = client.post("/embed", "{\"inputs\": [[" + ids + "], \"" + text + "\", [" + ids + "]]}");
        assertThat(mixed.json()).hasSize(3);
        for (JsonNode v : mixed.json()) {
            assertClose(TestClient.floats(v), reference.embed(text));
        }
        assertError(client.post("/embed", "{\"inputs\": [101, 99999999, 102]}"), 422, "Validation",
                "token id 99999999 is not in the model's vocabulary");
    }

    @Test
    void longInputsAreTruncatedFromEitherSideOrRefused() {
        StringBuilder words = new StringBuilder();
        for (int i = 0; i < maxInputLength + 50; i++) {
            words.append(i % 2 == 0 ? "alpha " : "omega ");
        }
        words.append("finale");
        String text = words.toString();
        Encoding full = reference.engine().tokenizer().encode(text);
        int[] ids = full.ids();
        assertThat(ids.length).isGreaterThan(maxInputLength);
        int keep = maxInputLength - 2;
        int[] right = concat(ids[0], Arrays.copyOfRange(ids, 1, 1 + keep), ids[ids.length - 1]);
        int[] left = concat(ids[0], Arrays.copyOfRange(ids, ids.length - 1 - keep, ids.length - 1), ids[ids.length - 1]);

        float[] rightByIds = TestClient.floats(client.post("/embed", "{\"inputs\": " + Arrays.toString(right) + "}").json().get(0));
        float[] leftByIds = TestClient.floats(client.post("/embed", "{\"inputs\": " + Arrays.toString(left) + "}").json().get(0));
        TestClient.Answer truncatedRight = client.post("/embed", "{\"inputs\": \"" + text + "\", \"truncate\": true}");
        TestClient.Answer truncatedLeft = client.post("/embed",
                "{\"inputs\": \"" + text + "\", \"truncate\": true, \"truncation_direction\": \"Left\"}");
        assertClose(TestClient.floats(truncatedRight.json().get(0)), rightByIds);
        assertClose(TestClient.floats(truncatedLeft.json().get(0)), leftByIds);
        assertThat(truncatedRight.header("x-compute-tokens")).isEqualTo(Integer.toString(maxInputLength));
        assertThat(Vectors.cosine(rightByIds, leftByIds)).isLessThan(0.9999f);
        // auto-truncate is on by default, as in TEI
        assertClose(TestClient.floats(client.post("/embed", "{\"inputs\": \"" + text + "\"}").json().get(0)), rightByIds);

        assertError(client.post("/embed", "{\"inputs\": \"" + text + "\", \"truncate\": false}"), 422, "Validation",
                "`inputs` must have less than " + maxInputLength + " tokens. Given: " + ids.length);
    }

    private static int[] concat(int first, int[] middle, int last) {
        int[] out = new int[middle.length + 2];
        out[0] = first;
        System.arraycopy(middle, 0, out, 1, middle.length);
        out[out.length - 1] = last;
        return out;
    }

    @Test
    void embedAllGivesEveryTokensHiddenState() {
        String text = "every token has a vector";
        TestClient.Answer all = client.post("/embed_all", "{\"inputs\": \"" + text + "\"}");
        assertThat(all.status()).isEqualTo(200);
        Encoding encoding = reference.engine().encode(Input.of(text), Truncate.RIGHT);
        float[][][] expected = reference.engine().tokenVectors(List.of(encoding));
        JsonNode tokens = all.json().get(0);
        assertThat(tokens).hasSize(encoding.length());
        for (int t = 0; t < encoding.length(); t++) {
            assertClose(TestClient.floats(tokens.get(t)), expected[0][t]);
        }
    }

    @Test
    void similarityIsTheCosineOfTheEmbeddings() {
        List<String> sentences = List.of("A man is eating food.", "A man is riding a horse.", "Someone eats a meal.");
        TestClient.Answer similarity = client.post("/similarity", "{\"inputs\": {\"source_sentence\": \"A man eats.\","
                + " \"sentences\": [\"" + String.join("\", \"", sentences) + "\"]}}");
        assertThat(similarity.status()).isEqualTo(200);
        float[] source = reference.embed("A man eats.");
        float[][] targets = reference.embed(sentences);
        assertThat(similarity.json()).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(similarity.json().get(i).floatValue()).isCloseTo(Vectors.cosine(source, targets[i]), within(TOLERANCE));
        }
        assertError(client.post("/similarity", "{\"inputs\": {\"source_sentence\": \"a\", \"sentences\": []}}"), 400, "Empty",
                "`inputs.sentences` cannot be empty");
    }

    @Test
    void openAiEmbeddingsInFloatAndBase64WithUsage() {
        TestClient.Answer floats = client.post("/v1/embeddings", "{\"input\": [\"hello\", \"world\"], \"model\": \"minilm\"}");
        assertThat(floats.status()).isEqualTo(200);
        assertThat(floats.json().get("object").asText()).isEqualTo("list");
        assertThat(floats.json().get("model").asText()).isEqualTo("minilm");
        JsonNode data = floats.json().get("data");
        assertThat(data).hasSize(2);
        assertThat(data.get(1).get("object").asText()).isEqualTo("embedding");
        assertThat(data.get(1).get("index").asInt()).isEqualTo(1);
        assertClose(TestClient.floats(data.get(0).get("embedding")), reference.embed("hello"));
        int tokens = reference.engine().encode(Input.of("hello"), Truncate.RIGHT).length() + reference.engine().encode(Input.of("world"), Truncate.RIGHT).length();
        assertThat(floats.json().get("usage").get("prompt_tokens").asInt()).isEqualTo(tokens);
        assertThat(floats.json().get("usage").get("total_tokens").asInt()).isEqualTo(tokens);

        TestClient.Answer base64 = client.post("/v1/embeddings",
                "{\"input\": \"hello\", \"encoding_format\": \"base64\", \"dimensions\": 32}");
        byte[] bytes = Base64.getDecoder().decode(base64.json().get("data").get(0).get("embedding").asText());
        float[] decoded = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(decoded);
        assertClose(decoded, normalized(Arrays.copyOf(reference.embed(List.of(Input.of("hello")), new EmbedOptions(Truncate.RIGHT, false, null))[0], 32)));
        assertThat(client.post("/embeddings", "{\"input\": \"hello\"}").status()).isEqualTo(200);

        TestClient.Answer empty = client.post("/v1/embeddings", "{\"input\": []}");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.json().get("error").get("message").asText()).contains("cannot be empty");
        assertThat(empty.json().get("error").get("code").asInt()).isEqualTo(400);
        assertThat(empty.json().get("error").has("param")).isTrue();
        TestClient.Answer format = client.post("/v1/embeddings", "{\"input\": \"a\", \"encoding_format\": \"hex\"}");
        assertThat(format.status()).isEqualTo(422);
        assertThat(format.json().get("error").get("type").asText()).isEqualTo("Validation");
    }

    @Test
    void tokenizeShowsTokensWithUtf8SpansAndDecodeInvertsIt() {
        TestClient.Answer tokens = client.post("/tokenize", "{\"inputs\": \"Héllo world\"}");
        assertThat(tokens.status()).isEqualTo(200);
        JsonNode t = tokens.json().get(0);
        assertThat(t.get(0).get("text").asText()).isEqualTo("[CLS]");
        assertThat(t.get(0).get("special").asBoolean()).isTrue();
        assertThat(t.get(0).get("start").isNull()).isTrue();
        assertThat(t.get(1).get("text").asText()).isEqualTo("Héllo");
        assertThat(t.get(1).get("start").asInt()).isZero();
        assertThat(t.get(1).get("stop").asInt()).isEqualTo(6);
        assertThat(t.get(2).get("start").asInt()).isEqualTo(7);

        TestClient.Answer plain = client.post("/tokenize", "{\"inputs\": [\"a b\", \"c\"], \"add_special_tokens\": false}");
        assertThat(plain.json()).hasSize(2);
        assertThat(plain.json().get(0)).hasSize(2);
        assertThat(plain.json().get(1).get(0).get("special").asBoolean()).isFalse();

        List<Integer> ids = new ArrayList<>();
        t.forEach(token -> ids.add(token.get("id").asInt()));
        TestClient.Answer decoded = client.post("/decode", "{\"ids\": " + ids + "}");
        assertThat(decoded.json().get(0).asText()).isEqualTo("hello world");
        TestClient.Answer kept = client.post("/decode", "{\"ids\": [" + ids + ", " + ids + "], \"skip_special_tokens\": false}");
        assertThat(kept.json()).hasSize(2);
        assertThat(kept.json().get(1).asText()).isEqualTo("[CLS] hello world [SEP]");

        assertError(client.post("/tokenize", "{\"inputs\": \"\"}"), 400, "Empty", "`inputs` cannot be empty");
        assertError(client.post("/decode", "{\"ids\": []}"), 400, "Empty", "cannot be empty");
    }

    @Test
    void infoHealthMetricsAndDocs() {
        TestClient.Answer info = client.get("/info");
        assertThat(info.status()).isEqualTo(200);
        assertThat(info.json().get("model_id").asText()).isEqualTo("sentence-transformers/all-MiniLM-L6-v2");
        assertThat(info.json().get("served_model_name").asText()).isEqualTo("minilm");
        assertThat(info.json().get("model_type").get("embedding").get("pooling").asText()).isEqualTo("mean");
        assertThat(info.json().get("max_input_length").asInt()).isEqualTo(maxInputLength);
        assertThat(info.json().get("max_client_batch_size").asInt()).isEqualTo(8);
        assertThat(info.json().get("max_batch_tokens").asInt()).isEqualTo(16384);
        assertThat(info.json().get("max_batch_requests").isNull()).isTrue();
        assertThat(info.json().get("auto_truncate").asBoolean()).isTrue();
        assertThat(info.json().get("payload_limit").asLong()).isEqualTo(100_000);

        TestClient.Answer health = client.get("/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(client.get("/ping").status()).isEqualTo(200);

        client.post("/embed", "{\"inputs\": \"count me\"}");
        String metrics = client.get("/metrics").body();
        assertThat(metrics).contains("te_request_count_total{method=\"single\"}", "te_request_success_total",
                "te_request_duration_bucket", "te_request_queue_duration_bucket", "te_request_inference_duration_bucket",
                "te_request_tokenization_duration_bucket", "te_batch_next_size_bucket", "te_batch_next_tokens_bucket",
                "te_request_input_length_bucket", "te_queue_size", "jvm_memory_used_bytes");

        TestClient.Answer openApi = client.get("/openapi.json");
        assertThat(openApi.status()).isEqualTo(200);
        assertThat(openApi.json().get("paths").properties()).extracting(java.util.Map.Entry::getKey)
                .contains("/embed", "/embed_all", "/predict", "/rerank", "/similarity", "/tokenize", "/decode",
                        "/v1/embeddings", "/info", "/health", "/metrics");
        assertThat(client.get("/api-doc/openapi.json").body()).isEqualTo(openApi.body());
        TestClient.Answer docs = client.get("/docs");
        assertThat(docs.status()).isEqualTo(200);
        assertThat(docs.body()).contains("SwaggerUIBundle", "/openapi.json");
        assertThat(client.get("/docs/").body()).isEqualTo(docs.body());
        assertThat(client.get("/docs/swagger-ui-bundle.js").status()).isEqualTo(200);
    }

    @Test
    void theDefaultModelAlsoPredictsSentimentWithItsBuiltInHead() throws Exception {
        List<String> texts = List.of("This product is amazing!", "Terrible quality, waste of money.");
        try (TextClassificationPipeline sentiment = Pipelines.textClassification((String) null)) {
            List<List<Label>> expected = sentiment.classify(texts, 2, ScoreFunction.SOFTMAX);
            TestClient.Answer single = client.post("/predict", "{\"inputs\": \"" + texts.get(0) + "\"}");
            assertThat(single.status()).as(single.body()).isEqualTo(200);
            assertLabels(single.json(), expected.get(0));
            assertThat(single.json().get(0).get("label").asText()).isEqualTo("POSITIVE");
            TestClient.Answer batch = client.post("/predict",
                    "{\"inputs\": [[\"" + texts.get(0) + "\"], [\"" + texts.get(1) + "\"]]}");
            assertLabels(batch.json().get(0), expected.get(0));
            assertLabels(batch.json().get(1), expected.get(1));
            assertThat(batch.json().get(1).get(0).get("label").asText()).isEqualTo("NEGATIVE");
        }
        JsonNode classifier = client.get("/info").json().get("classifier");
        assertThat(classifier.get("id2label").get("0").asText()).isEqualTo("NEGATIVE");
    }

    private static void assertLabels(JsonNode predictions, List<Label> expected) {
        assertThat(predictions).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(predictions.get(i).get("label").asText()).isEqualTo(expected.get(i).label());
            assertThat(predictions.get(i).get("score").floatValue()).isCloseTo(expected.get(i).score(), within(TOLERANCE));
        }
    }

    @Test
    void routesTheModelCannotServeAnswer424() {
        assertError(client.post("/rerank", "{\"query\": \"q\", \"texts\": [\"a\"]}"), 424, "Backend", "model is not a re-ranker model");
        assertError(client.post("/embed_sparse", "{\"inputs\": \"a\"}"), 424, "Backend", "SPLADE");
        // TEI's default route is the model's own task
        TestClient.Answer root = client.post("/", "{\"inputs\": \"hello\"}");
        assertThat(root.status()).isEqualTo(200);
        assertClose(TestClient.floats(root.json().get(0)), reference.embed("hello"));
    }

    @Test
    void malformedRequestsGetTeisErrorStatuses() {
        assertError(client.post("/embed", "{\"inputs\": []}"), 400, "Empty", "`inputs` cannot be empty");
        assertError(client.post("/embed", "{\"inputs\": \"\"}"), 400, "Empty", "`inputs` cannot be empty");
        assertError(client.post("/embed", "{\"inputs\": [\"a\", \"\"]}"), 400, "Empty", "`inputs` cannot be empty");
        assertError(client.post("/embed", "{\"inputs\": [\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\"]}"), 422,
                "Validation", "batch size 9 > maximum allowed batch size 8");
        assertError(client.post("/embed", "{\"inputs\": "), 422, "Validation", "not valid JSON");
        assertError(client.post("/embed", "[1, 2]"), 422, "Validation", "must be a JSON object");
        assertError(client.post("/embed", "{\"text\": \"a\"}"), 422, "Validation", "missing field `inputs`");
        assertError(client.post("/embed", "{\"inputs\": \"a\", \"normalize\": \"no\"}"), 422, "Validation", "`normalize`");
        String big = "{\"inputs\": \"" + "a ".repeat(60_000) + "\"}";
        assertError(client.post("/embed", big), 413, "Validation", "payload limit of 100000 bytes");
        // The connection stays usable after a refused body.
        assertThat(client.post("/embed", "{\"inputs\": \"still here\"}").status()).isEqualTo(200);
        assertThat(client.get("/nothing-here").status()).isEqualTo(404);
    }
}
