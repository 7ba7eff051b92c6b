package dev.javelin.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.javelin.engine.Engine;
import dev.javelin.engine.Input;
import dev.javelin.engine.ModelSpec;
import dev.javelin.engine.ScoreFunction;
import dev.javelin.engine.Truncate;
import dev.javelin.tokenizers.Encoding;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * /predict and /rerank through the real encoder with a classification head (fixed-seed head weights
 * on the real all-MiniLM-L6-v2, see {@link SyntheticHeads}): single texts, pairs, batches, raw scores,
 * label order, and rerank order against the same model run in process.
 */
class HeadServerTest {
    private static final float TOLERANCE = 1e-5f;
    private static final List<String> LABELS = List.of("NEGATIVE", "NEUTRAL", "POSITIVE");

    @TempDir
    static Path dir;

    private static InferenceServer classifier;
    private static InferenceServer reranker;
    private static Engine classifierReference;
    private static Engine rerankerReference;

    @BeforeAll
    static void start() throws Exception {
        Path classifierDir = SyntheticHeads.create(dir.resolve("classifier"), LABELS, 1);
        Path rerankerDir = SyntheticHeads.create(dir.resolve("reranker"), List.of("LABEL_0"), 2);
        classifier = InferenceServer.launch(ServerConfig.builder().model(classifierDir.toString()).hostname("127.0.0.1").port(0)
                .build(), System.err);
        reranker = InferenceServer.launch(ServerConfig.builder().model(rerankerDir.toString()).hostname("127.0.0.1").port(0)
                .build(), System.err);
        classifierReference = Engine.load(ModelSpec.of(classifierDir.toString()));
        rerankerReference = Engine.load(ModelSpec.of(rerankerDir.toString()));
    }

    @AfterAll
    static void stop() {
        classifier.close();
        reranker.close();
        classifierReference.close();
        rerankerReference.close();
    }

    private static float[] logits(Engine engine, String text, String pair) {
        return engine.logits(List.of(engine.encode(Input.of(text, pair), Truncate.RIGHT)))[0];
    }

    /** The predictions for one input: every label, with its expected score, highest first. */
    private static void assertPredictions(JsonNode predictions, float[] expectedScores) {
        assertThat(predictions).hasSize(LABELS.size());
        float previous = Float.POSITIVE_INFINITY;
        for (JsonNode p : predictions) {
            float score = p.get("score").floatValue();
            assertThat(score).isLessThanOrEqualTo(previous);
            previous = score;
            int label = LABELS.indexOf(p.get("label").asText());
            assertThat(label).isNotNegative();
            assertThat(score).isCloseTo(expectedScores[label], within(TOLERANCE));
        }
    }

    @Test
    void predictScoresTextsAndPairsWithAllLabelsSorted() {
        TestClient client = new TestClient(classifier.port());
        TestClient.Answer single = client.post("/predict", "{\"inputs\": \"This product is amazing!\"}");
        assertThat(single.status()).as(single.body()).isEqualTo(200);
        assertPredictions(single.json(), ScoreFunction.SOFTMAX.apply(logits(classifierReference, "This product is amazing!", null)));

        TestClient.Answer pair = client.post("/predict", "{\"inputs\": [\"I like you.\", \"I love you.\"]}");
        assertPredictions(pair.json(), ScoreFunction.SOFTMAX.apply(logits(classifierReference, "I like you.", "I love you.")));

        TestClient.Answer batch = client.post("/predict",
                "{\"inputs\": [[\"Terrible quality.\"], [\"I like you.\", \"I love you.\"]], \"raw_scores\": true}");
        assertThat(batch.json()).hasSize(2);
        assertPredictions(batch.json().get(0), logits(classifierReference, "Terrible quality.", null));
        assertPredictions(batch.json().get(1), logits(classifierReference, "I like you.", "I love you."));

        TestClient.Answer root = client.post("/", "{\"inputs\": \"It's okay.\"}");
        assertPredictions(root.json(), ScoreFunction.SOFTMAX.apply(logits(classifierReference, "It's okay.", null)));

        TestClient.Answer info = client.get("/info");
        assertThat(info.json().get("model_type").get("classifier").get("id2label").get("2").asText()).isEqualTo("POSITIVE");
        assertThat(info.json().get("model_type").get("classifier").get("label2id").get("NEUTRAL").asInt()).isEqualTo(1);

        TestClient.Answer embed = client.post("/embed", "{\"inputs\": \"a\"}");
        assertThat(embed.status()).isEqualTo(424);
        assertThat(embed.json().get("error").asText()).isEqualTo("Model is not an embedding model");
        TestClient.Answer rerank = client.post("/rerank", "{\"query\": \"q\", \"texts\": [\"a\"]}");
        assertThat(rerank.status()).isEqualTo(424);
    }

    @Test
    void rerankSortsTextsByTheCrossEncodersScore() {
        TestClient client = new TestClient(reranker.port());
        String query = "What is Deep Learning?";
        List<String> texts = List.of("Deep Learning is a kind of machine learning.", "Paris is in France.",
                "Neural networks with many layers.", "cheese");
        StringBuilder json = new StringBuilder("{\"query\": \"" + query + "\", \"texts\": [");
        for (int i = 0; i < texts.size(); i++) {
            json.append(i == 0 ? "" : ", ").append('"').append(texts.get(i)).append('"');
        }
        TestClient.Answer ranks = client.post("/rerank", json + "], \"return_text\": true}");
        assertThat(ranks.status()).as(ranks.body()).isEqualTo(200);
        List<Float> expected = new ArrayList<>();
        for (String t : texts) {
            expected.add(ScoreFunction.SIGMOID.apply(logits(rerankerReference, query, t))[0]);
        }
        assertThat(ranks.json()).hasSize(texts.size());
        float previous = Float.POSITIVE_INFINITY;
        for (JsonNode rank : ranks.json()) {
            int index = rank.get("index").asInt();
            assertThat(rank.get("text").asText()).isEqualTo(texts.get(index));
            assertThat(rank.get("score").floatValue()).isCloseTo(expected.get(index), within(TOLERANCE))
                    .isLessThanOrEqualTo(previous);
            previous = rank.get("score").floatValue();
        }

        TestClient.Answer raw = client.post("/rerank", json + "], \"raw_scores\": true}");
        for (JsonNode rank : raw.json()) {
            assertThat(rank.has("text")).isFalse();
            int index = rank.get("index").asInt();
            assertThat(rank.get("score").floatValue())
                    .isCloseTo(logits(rerankerReference, query, texts.get(index))[0], within(TOLERANCE));
        }
        assertThat(client.post("/", json + "]}").json()).hasSize(texts.size());
        TestClient.Answer predict = client.post("/predict", "{\"inputs\": [\"" + query + "\", \"cheese\"]}");
        assertThat(predict.json()).hasSize(1);
        assertThat(predict.json().get(0).get("score").floatValue()).isCloseTo(expected.get(3), within(TOLERANCE));

        TestClient.Answer empty = client.post("/rerank", "{\"query\": \"q\", \"texts\": []}");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.json().get("error").asText()).isEqualTo("`texts` cannot be empty");
    }
}
