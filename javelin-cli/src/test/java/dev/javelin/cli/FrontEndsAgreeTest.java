package dev.javelin.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.javelin.bundled.BundledModel;
import dev.javelin.engine.EmbedOptions;
import dev.javelin.engine.Engine;
import dev.javelin.engine.Head;
import dev.javelin.engine.Input;
import dev.javelin.engine.Label;
import dev.javelin.engine.ModelSpec;
import dev.javelin.engine.Rank;
import dev.javelin.engine.ScoreFunction;
import dev.javelin.engine.Truncate;
import dev.javelin.pipelines.EmbeddingsPipeline;
import dev.javelin.pipelines.Pipelines;
import dev.javelin.pipelines.RerankPipeline;
import dev.javelin.pipelines.TextClassificationPipeline;
import dev.javelin.server.InferenceServer;
import dev.javelin.server.ServerConfig;
import dev.javelin.server.SyntheticHeads;
import dev.javelin.server.TestClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three front ends give identical answers: each server route, its CLI twin and the Java pipeline,
 * on an embedding-only model, a single-label classifier, a multi-label classifier and a
 * cross-encoder (the last three: the real all-MiniLM-L6-v2 encoder under fixed-seed heads), and the
 * embedded default: the same labels in the same order, the same ranks, the same refusals, and the
 * same numbers, bit for bit. Exact equality holds because the kernels give the same bits in every JIT
 * tier and whatever else is in the batch (JitTierIndependenceTest), and everything above them is one
 * code path; a softmax for a sigmoid, another pooling or a missed normalisation fails at once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FrontEndsAgreeTest {
    private static final List<String> TEXTS = List.of("This product is amazing!", "Terrible quality, waste of money.",
            "It's okay, I guess.", "The delivery was late but the support team fixed everything.");
    private static final String QUERY = "What is Deep Learning?";
    private static final List<String> DOCUMENTS = List.of("Deep Learning is a kind of machine learning.", "Paris is in France.",
            "Neural networks with many layers.", "cheese");

    private final List<InferenceServer> servers = new ArrayList<>();
    private String embedding;
    private String singleLabel;
    private String multiLabel;
    private String crossEncoder;
    /** The embedding model with sentence-transformers prompts, "query" by default. */
    private String prompted;

    @BeforeAll
    void models(@TempDir Path tmp) throws Exception {
        embedding = BundledModel.ALL_MINILM_L6_V2.directory(tmp.resolve("cache")).toString();
        singleLabel = SyntheticHeads.create(tmp.resolve("single"), List.of("NEGATIVE", "NEUTRAL", "POSITIVE"), 1).toString();
        multiLabel = SyntheticHeads.create(tmp.resolve("multi"), List.of("funny", "sad", "toxic"), 3,
                "multi_label_classification").toString();
        crossEncoder = SyntheticHeads.create(tmp.resolve("cross"), List.of("LABEL_0"), 2).toString();
        Path withPrompts = Files.createDirectories(tmp.resolve("prompted"));
        try (Stream<Path> files = Files.walk(Path.of(embedding))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path to = withPrompts.resolve(Path.of(embedding).relativize(f));
                Files.createDirectories(to.getParent());
                Files.createSymbolicLink(to, f);
            }
        }
        Files.writeString(withPrompts.resolve("config_sentence_transformers.json"),
                "{\"prompts\": {\"query\": \"query: \", \"passage\": \"passage: \"}, \"default_prompt_name\": \"query\"}");
        prompted = withPrompts.toString();
    }

    @AfterAll
    void stop() {
        servers.forEach(InferenceServer::close);
    }

    /** A server on a free loopback port serving {@code model} (null: the embedded default), started as `serve` starts it. */
    private TestClient serve(String model) throws Exception {
        return serve(model, Head.AUTO);
    }

    private TestClient serve(String model, Head head) throws Exception {
        InferenceServer server = InferenceServer.launch(ServerConfig.builder().model(model).head(head).hostname("127.0.0.1").port(0)
                .build(), System.err);
        servers.add(server);
        return new TestClient(server.port());
    }

    private static String jsonStrings(List<String> texts) {
        return "[\"" + String.join("\", \"", texts) + "\"]";
    }

    /** /predict's batch form, [[text], [text], ...], which answers a list per input. */
    private static String predictBatch(List<String> texts) {
        return "[" + String.join(", ", texts.stream().map(t -> jsonStrings(List.of(t))).toList()) + "]";
    }

    private static String[] args(String command, String model, List<String> texts, String... options) {
        List<String> args = new ArrayList<>(List.of(command));
        if (model != null) {
            args.addAll(List.of("--model", model));
        }
        args.addAll(List.of(options));
        args.addAll(texts);
        return args.toArray(String[]::new);
    }

    private static CliRun cli(String command, String model, List<String> texts, String... options) {
        CliRun run = CliRun.of("", args(command, model, texts, options));
        assertThat(run.status()).as(run.err()).isZero();
        return run;
    }

    // ---- the comparisons

    private static void assertSameVectors(float[][] server, List<JsonNode> cliLines, float[][] pipeline) {
        assertThat(cliLines).hasSize(pipeline.length);
        assertThat(server).hasSameDimensionsAs(pipeline);
        for (int i = 0; i < pipeline.length; i++) {
            float[] cli = TestClient.floats(cliLines.get(i).get("embedding"));
            assertThat(cli).hasSameSizeAs(pipeline[i]);
            assertThat(server[i]).hasSameSizeAs(pipeline[i]);
            for (int d = 0; d < pipeline[i].length; d++) {
                assertThat(cli[d]).as("CLI input %d, dimension %d", i, d).isEqualTo(pipeline[i][d]);
                assertThat(server[i][d]).as("server input %d, dimension %d", i, d).isEqualTo(pipeline[i][d]);
            }
        }
    }

    private static void assertSameLabels(JsonNode server, List<JsonNode> cliLines, List<List<Label>> pipeline) {
        assertThat(server).hasSize(pipeline.size());
        assertThat(cliLines).hasSize(pipeline.size());
        for (int i = 0; i < pipeline.size(); i++) {
            List<Label> expected = pipeline.get(i);
            assertSameLabels(labels(cliLines.get(i)), expected, "CLI input " + i);
            assertSameLabels(labels(server.get(i)), expected, "server input " + i);
        }
    }

    private static void assertSameLabels(List<Label> actual, List<Label> expected, String what) {
        assertThat(actual).extracting(Label::label).as(what).containsExactlyElementsOf(expected.stream().map(Label::label).toList());
        for (int k = 0; k < expected.size(); k++) {
            assertThat(actual.get(k).score()).as(what).isEqualTo(expected.get(k).score());
        }
    }

    private static void assertSameRanks(List<Rank> actual, List<Rank> expected, String what) {
        assertThat(actual).extracting(Rank::index).as(what).containsExactlyElementsOf(expected.stream().map(Rank::index).toList());
        for (int k = 0; k < expected.size(); k++) {
            assertThat(actual.get(k).score()).as(what).isEqualTo(expected.get(k).score());
        }
    }

    private static List<Label> labels(JsonNode array) {
        List<Label> out = new ArrayList<>();
        array.forEach(l -> out.add(new Label(l.get("label").asText(), l.get("score").floatValue())));
        return out;
    }

    private static List<Rank> ranks(Stream<JsonNode> ranks) {
        return ranks.map(r -> new Rank(r.get("index").asInt(), null, r.get("score").floatValue())).toList();
    }

    private static void assertRefused(TestClient.Answer server, CliRun cli, String message) {
        assertThat(server.status()).isEqualTo(424);
        assertThat(server.json().get("error").asText()).isEqualTo(message);
        assertThat(cli.status()).isEqualTo(2);
        assertThat(cli.err()).contains(message);
    }

    // ---- the models

    @Test
    void embeddingModel() throws Exception {
        TestClient server = serve(embedding);
        float[][] viaHttp = TestClient.matrix(server.post("/embed", "{\"inputs\": " + jsonStrings(TEXTS) + "}").json());
        float[][] viaPipeline;
        try (EmbeddingsPipeline p = Pipelines.embeddings(embedding)) {
            viaPipeline = p.embed(TEXTS);
        }
        assertSameVectors(viaHttp, cli("embed", embedding, TEXTS).lines(), viaPipeline);

        JsonNode openAi = server.post("/v1/embeddings", "{\"input\": " + jsonStrings(TEXTS) + "}").json().get("data");
        for (int i = 0; i < TEXTS.size(); i++) {
            float[] v = TestClient.floats(openAi.get(i).get("embedding"));
            for (int d = 0; d < v.length; d++) {
                assertThat(v[d]).as("/v1/embeddings input %d", i).isEqualTo(viaPipeline[i][d]);
            }
        }

        // /embed_all and `embed --all-tokens`: every token's vector
        float[][][] tokens;
        float[] similarity;
        try (Engine engine = Engine.load(ModelSpec.of(embedding))) {
            tokens = engine.embedAll(TEXTS.stream().map(Input::of).toList(), Truncate.RIGHT, null);
            similarity = engine.similarity(QUERY, TEXTS, Truncate.RIGHT, null);
        }
        JsonNode allHttp = server.post("/embed_all", "{\"inputs\": " + jsonStrings(TEXTS) + "}").json();
        List<JsonNode> allCli = cli("embed", embedding, TEXTS, "--all-tokens").lines();
        for (int i = 0; i < TEXTS.size(); i++) {
            assertThat(TestClient.matrix(allHttp.get(i))).as("/embed_all input %d", i).isDeepEqualTo(tokens[i]);
            assertThat(TestClient.matrix(allCli.get(i).get("tokens"))).as("embed --all-tokens input %d", i).isDeepEqualTo(tokens[i]);
        }

        // /similarity and `similarity`
        float[] simHttp = TestClient.floats(server.post("/similarity", "{\"inputs\": {\"source_sentence\": \"" + QUERY
                + "\", \"sentences\": " + jsonStrings(TEXTS) + "}}").json());
        List<JsonNode> simCli = cli("similarity", embedding, TEXTS, "--source", QUERY).lines();
        assertThat(simHttp).containsExactly(similarity);
        assertThat(simCli.stream().map(l -> l.get("similarity").floatValue()).toList())
                .containsExactlyElementsOf(TestClient.boxed(similarity));

        // /tokenize and `tokenize --as-served`
        assertThat(cli("tokenize", embedding, TEXTS, "--as-served").lines())
                .containsExactlyElementsOf(server.post("/tokenize", "{\"inputs\": " + jsonStrings(TEXTS) + "}").json());

        assertRefused(server.post("/predict", "{\"inputs\": \"a\"}"), CliRun.of("", "classify", "--model", embedding, "a"),
                "Model is not a classifier model");
        assertRefused(server.post("/rerank", "{\"query\": \"q\", \"texts\": [\"a\"]}"),
                CliRun.of("", "rerank", "--model", embedding, "--query", "q", "a"), "model is not a re-ranker model");
    }

    @Test
    void promptsAndDimensionsAgree() throws Exception {
        TestClient server = serve(prompted);
        List<Input> inputs = TEXTS.stream().map(Input::of).toList();
        try (EmbeddingsPipeline p = Pipelines.embeddings(prompted); EmbeddingsPipeline plain = Pipelines.embeddings(embedding)) {
            // the default prompt: as if each text began with "query: "
            float[][] viaPipeline = p.embed(TEXTS);
            assertThat(viaPipeline).isDeepEqualTo(plain.embed(TEXTS.stream().map(t -> "query: " + t).toList()));
            assertSameVectors(TestClient.matrix(server.post("/embed", "{\"inputs\": " + jsonStrings(TEXTS) + "}").json()),
                    cli("embed", prompted, TEXTS).lines(), viaPipeline);

            // a named prompt and Matryoshka dimensions, on each route and its CLI twin
            float[][] passage16 = p.embed(inputs, new EmbedOptions(Truncate.RIGHT, null, 16, "passage"));
            assertThat(passage16[0]).hasSize(16);
            assertSameVectors(TestClient.matrix(server.post("/embed", "{\"inputs\": " + jsonStrings(TEXTS)
                            + ", \"prompt_name\": \"passage\", \"dimensions\": 16}").json()),
                    cli("embed", prompted, TEXTS, "--prompt-name", "passage", "--dimensions", "16").lines(), passage16);
            float[][] query16 = p.embed(inputs, new EmbedOptions(Truncate.RIGHT, null, 16));
            JsonNode openAi = server.post("/v1/embeddings", "{\"input\": " + jsonStrings(TEXTS) + ", \"dimensions\": 16}").json().get("data");
            for (int i = 0; i < TEXTS.size(); i++) {
                assertThat(TestClient.floats(openAi.get(i).get("embedding"))).as("/v1/embeddings input %d", i).containsExactly(query16[i]);
            }
        }
        assertThat(cli("tokenize", prompted, TEXTS, "--as-served", "--prompt-name", "passage").lines()).containsExactlyElementsOf(
                server.post("/tokenize", "{\"inputs\": " + jsonStrings(TEXTS) + ", \"prompt_name\": \"passage\"}").json());
        TestClient.Answer unknown = server.post("/embed", "{\"inputs\": \"a\", \"prompt_name\": \"doc\"}");
        assertThat(unknown.status()).isEqualTo(422);
        CliRun cli = CliRun.of("", "embed", "--model", prompted, "--prompt-name", "doc", "a");
        assertThat(cli.status()).isNotZero();
        String message = "`prompt_name` 'doc' is not one of the model's prompts [query, passage]";
        assertThat(unknown.json().get("error").asText()).isEqualTo(message);
        assertThat(cli.err()).contains(message);
    }

    @Test
    void singleLabelClassifierScoresWithSoftmax() throws Exception {
        List<List<Label>> viaPipeline = assertClassifiersAgree(singleLabel);
        for (List<Label> labels : viaPipeline) {
            assertThat(labels.stream().mapToDouble(Label::score).sum()).isCloseTo(1, org.assertj.core.data.Offset.offset(1e-5));
        }
        TestClient server = serve(singleLabel);
        assertRefused(server.post("/embed", "{\"inputs\": \"a\"}"), CliRun.of("", "embed", "--model", singleLabel, "a"),
                "Model is not an embedding model");
    }

    @Test
    void multiLabelClassifierScoresEachLabelWithASigmoid() throws Exception {
        List<List<Label>> viaPipeline = assertClassifiersAgree(multiLabel);
        try (Engine engine = Engine.load(ModelSpec.of(multiLabel))) {
            assertThat(engine.info().scoreFunction()).isEqualTo(ScoreFunction.SIGMOID);
            for (int i = 0; i < TEXTS.size(); i++) {
                float[] logits = engine.logits(List.of(engine.encode(Input.of(TEXTS.get(i)), Truncate.RIGHT)))[0];
                for (Label label : viaPipeline.get(i)) {
                    int id = List.of("funny", "sad", "toxic").indexOf(label.label());
                    assertThat(label.score()).isEqualTo((float) (1 / (1 + Math.exp(-logits[id]))));
                }
            }
        }
    }

    /** /predict (scores and raw_scores) against `classify --top-k 0` (and `--function none`) and the pipeline. */
    private List<List<Label>> assertClassifiersAgree(String model) throws Exception {
        TestClient server = serve(model);
        String batch = predictBatch(TEXTS);
        List<List<Label>> scores;
        List<List<Label>> logits;
        try (TextClassificationPipeline p = Pipelines.textClassification(model)) {
            scores = p.classify(TEXTS, 0, null);
            logits = p.classify(TEXTS, 0, ScoreFunction.NONE);
        }
        assertSameLabels(server.post("/predict", "{\"inputs\": " + batch + "}").json(),
                cli("classify", model, TEXTS, "--top-k", "0").lines(), scores);
        assertSameLabels(server.post("/predict", "{\"inputs\": " + batch + ", \"raw_scores\": true}").json(),
                cli("classify", model, TEXTS, "--top-k", "0", "--function", "none").lines(), logits);
        return scores;
    }

    @Test
    void crossEncoderRanks() throws Exception {
        TestClient server = serve(crossEncoder);
        List<Rank> viaPipeline;
        try (RerankPipeline p = Pipelines.rerank(crossEncoder)) {
            viaPipeline = p.rerank(QUERY, DOCUMENTS);
        }
        JsonNode viaHttp = server.post("/rerank", "{\"query\": \"" + QUERY + "\", \"texts\": " + jsonStrings(DOCUMENTS) + "}").json();
        List<JsonNode> viaCli = cli("rerank", crossEncoder, DOCUMENTS, "--query", QUERY).lines();
        assertSameRanks(ranks(viaCli.stream()), viaPipeline, "CLI");
        assertSameRanks(ranks(StreamSupport.stream(viaHttp.spliterator(), false)), viaPipeline, "server");
        assertRefused(server.post("/embed", "{\"inputs\": \"a\"}"), CliRun.of("", "embed", "--model", crossEncoder, "a"),
                "Model is not an embedding model");
    }

    @Test
    void theHeadIsDecidedOnceAtLoadTheSameForEveryCaller() throws Exception {
        // --head none: a classifier checkpoint serves its encoder's embeddings and classifies nothing
        TestClient server = serve(singleLabel, Head.NONE);
        float[][] viaHttp = TestClient.matrix(server.post("/embed", "{\"inputs\": " + jsonStrings(TEXTS) + "}").json());
        float[][] viaPipeline;
        try (EmbeddingsPipeline p = Pipelines.embeddings(ModelSpec.builder().model(singleLabel).head(Head.NONE).build());
             EmbeddingsPipeline plain = Pipelines.embeddings(embedding)) {
            viaPipeline = p.embed(TEXTS);
            assertThat(viaPipeline).isDeepEqualTo(plain.embed(TEXTS));
        }
        assertSameVectors(viaHttp, cli("embed", singleLabel, TEXTS, "--head", "none").lines(), viaPipeline);
        assertRefused(server.post("/predict", "{\"inputs\": \"a\"}"),
                CliRun.of("", "classify", "--model", singleLabel, "--head", "none", "a"), "Model is not a classifier model");

        // a head the directory does not have fails at load, with the same message for every caller
        String notACrossEncoder = "has a sequence-classification head with 3 labels; --head cross-encoder needs exactly one output";
        assertThatThrownBy(() -> Engine.load(ModelSpec.builder().model(singleLabel).head(Head.CROSS_ENCODER).build()))
                .hasMessageContaining(notACrossEncoder);
        assertThatThrownBy(() -> serve(singleLabel, Head.CROSS_ENCODER)).hasMessageContaining(notACrossEncoder);
        CliRun rerank = CliRun.of("", "rerank", "--model", singleLabel, "--head", "cross-encoder", "--query", "q", "a");
        assertThat(rerank.status()).isNotZero();
        assertThat(rerank.err()).contains(notACrossEncoder);
        assertThatThrownBy(() -> Engine.load(ModelSpec.builder().model(crossEncoder).head(Head.CLASSIFIER).build()))
                .hasMessageContaining("has a sequence-classification head with 1 output (a cross-encoder); --head classifier needs two or more labels");
        assertThatThrownBy(() -> Engine.load(ModelSpec.builder().model(embedding).head(Head.CLASSIFIER).build()))
                .hasMessageContaining("has no sequence-classification head");
        assertThatThrownBy(() -> Engine.load(ModelSpec.builder().model(singleLabel).head(Head.JAVELIN).build()))
                .hasMessageContaining("is not a javelin-embedding-classifier directory");

        // the embedded default is all-MiniLM-L6-v2 with its sentiment adapter's classifier: --head none drops the
        // classifier, not the encoder
        try (Engine classifier = Engine.load(ModelSpec.builder().head(Head.CLASSIFIER).build());
             Engine none = Engine.load(ModelSpec.builder().head(Head.NONE).build())) {
            assertThat(classifier.info().labels()).containsExactly("NEGATIVE", "POSITIVE");
            assertThat(none.info().predicts()).isFalse();
            assertThat(none.embed(List.of(Input.of(QUERY)), dev.javelin.engine.EmbedOptions.DEFAULT))
                    .isDeepEqualTo(classifier.embed(List.of(Input.of(QUERY)), dev.javelin.engine.EmbedOptions.DEFAULT));
        }
        assertThatThrownBy(() -> Engine.load(ModelSpec.builder().head(Head.JAVELIN).build()))
                .hasMessageContaining("is not a javelin-embedding-classifier directory");
    }

    @Test
    void noModelMeansTheEmbeddedDefaultEverywhere() throws Exception {
        TestClient server = serve(null);
        float[][] vectors = TestClient.matrix(server.post("/embed", "{\"inputs\": " + jsonStrings(TEXTS) + "}").json());
        try (EmbeddingsPipeline p = Pipelines.embeddings(ModelSpec.DEFAULT)) {
            assertSameVectors(vectors, cli("embed", null, TEXTS).lines(), p.embed(TEXTS));
        }
        try (TextClassificationPipeline p = Pipelines.textClassification((String) null)) {
            List<List<Label>> top = p.classify(TEXTS, 0, null);
            assertSameLabels(server.post("/predict", "{\"inputs\": " + predictBatch(TEXTS) + "}").json(),
                    cli("classify", null, TEXTS, "--top-k", "0").lines(), top);
            assertThat(top.getFirst().getFirst().label()).isEqualTo("POSITIVE");
            assertThat(top.get(1).getFirst().label()).isEqualTo("NEGATIVE");
        }
    }
}
