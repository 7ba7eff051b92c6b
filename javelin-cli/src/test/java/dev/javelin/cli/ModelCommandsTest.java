package dev.javelin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.javelin.bundled.BundledModel;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** embed, rerank, classify and convert end to end through picocli, on the converted all-MiniLM-L6-v2. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModelCommandsTest {
    private Path work;
    private String model;


    @BeforeAll
    void convert(@TempDir Path tmp) throws Exception {
        work = tmp;
        model = BundledModel.ALL_MINILM_L6_V2.directory(tmp).toString();
    }

    private static CliRun run(String stdin, String... args) {
        return CliRun.of(stdin, args);
    }

    @Test
    void embedsArgumentsAsNormalisedVectors() throws Exception {
        CliRun r = run("", "embed", "--model", model, "hello world", "second text");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.lines()).hasSize(2);
        for (JsonNode line : r.lines()) {
            JsonNode v = line.get("embedding");
            assertThat(v).hasSize(384);
            double norm = 0;
            for (JsonNode x : v) norm += x.asDouble() * x.asDouble();
            assertThat(norm).isCloseTo(1, org.assertj.core.data.Offset.offset(1e-5));
        }
        CliRun raw = run("", "embed", "--model", model, "--no-normalize", "hello world");
        assertThat(raw.lines().getFirst().get("embedding").get(0).asDouble())
                .isNotCloseTo(r.lines().getFirst().get("embedding").get(0).asDouble(), org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void readsJsonLinesFromStdin() throws Exception {
        CliRun r = run("\"plain string\"\n\n{\"text\": \"question?\", \"text_pair\": \"answer.\"}\n", "embed", "--model", model);
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.lines()).hasSize(2);
        CliRun bad = run("\"ok\"\n{\"txt\": 1}\n", "embed", "--model", model);
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.err()).contains("stdin line 2").contains("\"text\"");
        assertThat(bad.lines()).isEmpty();
    }

    @Test
    void rerankNeedsACrossEncoder() throws Exception {
        // As /rerank: an embedding model does not rerank (cosine similarity is /similarity's job).
        CliRun r = run("", "rerank", "--model", model, "--query", "Where do cats sleep?", "A feline rests on a rug.");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("model is not a re-ranker model").doesNotContain("Exception");
        assertThat(run("", "rerank", "--model", model, "no query").status()).isEqualTo(2);
    }

    /** A GTE cross-encoder (NewForSequenceClassification fixture) ranks through the CLI, a ModernBERT classifier labels. */
    @Test
    void newArchitectureHeadsRerankAndClassify() throws Exception {
        String gte = architectureFixture("gte-classifier"), modern = architectureFixture("modernbert-classifier-mean");
        CliRun ranked = run("", "rerank", "--model", gte, "--query", "what is a fox", "the quick brown fox", "hello world", "a");
        assertThat(ranked.status()).as(ranked.err()).isZero();
        assertThat(ranked.lines()).hasSize(3);
        assertThat(ranked.lines()).extracting(l -> l.get("index").asInt()).containsExactlyInAnyOrder(0, 1, 2);
        double previous = Double.POSITIVE_INFINITY;
        for (JsonNode l : ranked.lines()) {
            assertThat(l.get("score").asDouble()).isLessThanOrEqualTo(previous);
            previous = l.get("score").asDouble();
        }
        CliRun labelled = run("", "classify", "--model", modern, "hello world");
        assertThat(labelled.status()).as(labelled.err()).isZero();
        // the best of its two labels, softmax-scored
        JsonNode best = labelled.lines().getFirst().get(0);
        assertThat(best.get("label").asText()).isIn("LABEL_0", "LABEL_1");
        assertThat(best.get("score").asDouble()).isBetween(0.5, 1.0);
    }

    /** A fixture of javelin-models' tests; Maven runs each module's tests in its own directory. */
    private static String architectureFixture(String name) {
        java.nio.file.Path dir = java.nio.file.Path.of("../javelin-models/src/test/resources/architectures", name).toAbsolutePath().normalize();
        assertThat(dir).isDirectory();
        return dir.toString();
    }

    @Test
    void classifyNeedsAClassifier() throws Exception {
        CliRun r = run("", "classify", "--model", model, "text");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("Model is not a classifier model").doesNotContain("Exception");
        assertThat(run("", "classify", "--model", model, "--function", "cube", "text").err()).contains("unknown score function 'cube'");
    }

    @Test
    void convertsAnOnnxExport() throws Exception {
        Path onnx = work.resolve("m.onnx"), tok = work.resolve("t.json");
        try (InputStream in = BundledModel.ALL_MINILM_L6_V2.open(BundledModel.ALL_MINILM_L6_V2.onnxResource())) {
            Files.copy(in, onnx);
        }
        try (InputStream in = BundledModel.ALL_MINILM_L6_V2.open(BundledModel.ALL_MINILM_L6_V2.tokenizerResource())) {
            Files.copy(in, tok);
        }
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        Path dir = work.resolve("converted");
        int status = cli.execute("convert", onnx.toString(), "--tokenizer", tok.toString(), "--out", dir.toString(), "--pooling", "cls");
        assertThat(status).isZero();
        assertThat(out.toString()).contains("6 layers, hidden 384, 12 heads");
        assertThat(Files.readString(dir.resolve("1_Pooling/config.json"))).contains("\"pooling_mode_cls_token\" : true");

        StringWriter err = new StringWriter();
        CommandLine again = Main.commandLine();
        again.setErr(new PrintWriter(err));
        assertThat(again.execute("convert", onnx.toString(), "--tokenizer", tok.toString(), "--out", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("not empty");
        assertThat(Main.commandLine().execute("convert", tok.toString(), "--tokenizer", tok.toString(), "--out", work.resolve("x").toString()))
                .isEqualTo(2);
    }
}
