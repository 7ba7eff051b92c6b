package dev.javelin.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.javelin.pipelines.EmbeddingsPipeline;
import dev.javelin.pipelines.Pipelines;
import dev.javelin.pipelines.TextClassificationPipeline;
import java.nio.file.Files;
import dev.javelin.engine.ModelSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BatchJobTest {
    private static final int N = 300;
    private static List<String> texts;
    private static float[][] expected;
    private static RowModel embedder;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() throws Exception {
        texts = TestFiles.sst2Dev(N);
        try (EmbeddingsPipeline p = Pipelines.embeddings((String) null)) {
            expected = p.embed(texts);
        }
        embedder = RowModel.load(Task.EMBED, ModelSpec.DEFAULT, 2048);
    }

    @AfterAll
    static void close() {
        embedder.close();
    }

    private BatchJob.Summary run(RowModel model, Task task, Path in, Path out, int chunkRows, boolean failFast) throws Exception {
        Columns columns = new Columns("text", "id", null);
        BatchOptions o = new BatchOptions(task, in, Format.of(in, null), out, Format.of(out, null), BatchOptions.defaultBadRows(out),
                columns, null, chunkRows, failFast);
        return new BatchJob(o, model).run();
    }

    @ParameterizedTest
    @CsvSource({"JSONL,PARQUET", "CSV,JSONL", "TSV,CSV", "PARQUET,PARQUET", "JSONL,TSV"})
    void embedsEveryRowOnceAsTheInProcessPipelineDoes(Format in, Format out) throws Exception {
        Path input = TestFiles.write(dir.resolve("in." + in.extension()), in, texts);
        Path output = dir.resolve("out." + out.extension());
        BatchJob.Summary s = run(embedder, Task.EMBED, input, output, 64, false);

        assertThat(s.rows()).isEqualTo(N);
        assertThat(s.badRows()).isZero();
        Map<String, Map<String, Object>> rows = TestFiles.read(output, out);
        assertThat(rows.keySet()).containsExactlyElementsOf(ids(N));
        for (int i = 0; i < N; i++) {
            float[] v = (float[]) rows.get("r" + i).get("embedding");
            assertThat(v).as("row %d", i).containsExactly(expected[i], org.assertj.core.data.Offset.offset(1e-6f));
        }
        assertThat(output.resolveSibling(output.getFileName() + ".parts")).doesNotExist();
        assertThat(BatchOptions.defaultBadRows(output)).doesNotExist();
    }

    @Test
    void classifiesAsTheSentimentPipelineDoes() throws Exception {
        Path input = TestFiles.write(dir.resolve("in.jsonl"), Format.JSONL, texts.subList(0, 40));
        Path output = dir.resolve("out.csv");
        try (RowModel m = RowModel.load(Task.CLASSIFY, ModelSpec.DEFAULT, 4096); TextClassificationPipeline p = Pipelines.textClassification((String) null)) {
            run(m, Task.CLASSIFY, input, output, 16, false);
            var expectedLabels = p.classify(texts.subList(0, 40), 1, null);
            Map<String, Map<String, Object>> rows = TestFiles.read(output, Format.CSV);
            for (int i = 0; i < 40; i++) {
                assertThat(rows.get("r" + i).get("label")).isEqualTo(expectedLabels.get(i).getFirst().label());
                assertThat(Float.parseFloat((String) rows.get("r" + i).get("score")))
                        .isCloseTo(expectedLabels.get(i).getFirst().score(), org.assertj.core.data.Offset.offset(1e-6f));
            }
        }
    }

    @Test
    void badRowsGoToTheSideFileWithLineAndReason() throws Exception {
        Path input = dir.resolve("in.jsonl");
        List<String> lines = new ArrayList<>();
        lines.add("{\"id\":\"a\",\"text\":\"a fine film\"}");
        lines.add("{\"id\":\"b\",\"text\":\"\"}");
        lines.add("{not json");
        lines.add("{\"id\":\"d\"}");
        lines.add("{\"id\":\"e\",\"text\":\"dull\"}");
        Files.writeString(input, String.join("\n", lines) + "\n");
        byte[] latin1 = "{\"id\":\"f\",\"text\":\"caf\u00e9\"}\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        Files.write(input, latin1, java.nio.file.StandardOpenOption.APPEND);
        Path output = dir.resolve("out.jsonl");

        BatchJob.Summary s = run(embedder, Task.EMBED, input, output, 2, false);

        assertThat(s.badRows()).isEqualTo(4);
        assertThat(TestFiles.read(output, Format.JSONL).keySet()).containsExactly("a", "e");
        assertThat(Files.readAllLines(BatchOptions.defaultBadRows(output))).satisfiesExactly(
                l -> assertThat(l).isEqualTo("{\"line\":2,\"reason\":\"empty text\"}"),
                l -> assertThat(l).startsWith("{\"line\":3,\"reason\":\"invalid JSON: "),
                l -> assertThat(l).isEqualTo("{\"line\":4,\"reason\":\"no 'text' field\"}"),
                l -> assertThat(l).isEqualTo("{\"line\":6,\"reason\":\"not valid UTF-8\"}"));

        Path stopped = dir.resolve("stopped.jsonl");
        assertThatThrownBy(() -> run(embedder, Task.EMBED, input, stopped, 1, true))
                .isInstanceOf(BadRowException.class).hasMessageContaining("line 2: empty text");
        assertThat(stopped).doesNotExist();
    }

    @Test
    void refusesToMixChunksOfAnotherJob() throws Exception {
        Path input = TestFiles.write(dir.resolve("in.jsonl"), Format.JSONL, texts.subList(0, 10));
        Path output = dir.resolve("out.jsonl");
        Files.createDirectories(dir.resolve("out.jsonl.parts"));
        Files.writeString(dir.resolve("out.jsonl.parts/job.json"), "{\"input\":\"/elsewhere\",\"inputBytes\":1,\"inputModifiedMillis\":1,"
                + "\"task\":\"EMBED\",\"model\":\"(default)\",\"textColumn\":\"text\",\"idColumn\":\"id\",\"queryColumn\":null,"
                + "\"outputFormat\":\"JSONL\",\"chunkRows\":4}");
        assertThatThrownBy(() -> run(embedder, Task.EMBED, input, output, 4, false))
                .hasMessageContaining("holds the committed chunks of a different job");
    }

    private static List<String> ids(int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) ids.add("r" + i);
        return ids;
    }
}
