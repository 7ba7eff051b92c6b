package dev.javelin.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.javelin.batch.BatchJob;
import dev.javelin.batch.BatchOptions;
import dev.javelin.batch.ClusterJob;
import dev.javelin.batch.Columns;
import dev.javelin.batch.Format;
import dev.javelin.batch.RowModel;
import dev.javelin.batch.Task;
import dev.javelin.batch.TestFiles;
import dev.javelin.engine.Label;
import dev.javelin.engine.ModelSpec;
import dev.javelin.engine.Rank;
import dev.javelin.engine.Vectors;
import dev.javelin.pipelines.EmbeddingsPipeline;
import dev.javelin.models.WeightDType;
import dev.javelin.pipelines.Pipelines;
import dev.javelin.pipelines.RerankPipeline;
import dev.javelin.server.SyntheticHeads;
import dev.javelin.pipelines.TextClassificationPipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Transformers (embed, classify, rerank, dtype, saved in Pipelines), the SQL functions and the batch driver in {@code local[2]}, checked against the in-process pipelines. */
class SparkLocalTest {
    private static final int N = 200;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static SparkSession spark;
    private static List<String> texts;
    private static float[][] embeddings;
    private static List<List<Label>> labels;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        texts = TestFiles.sst2Dev(N);
        try (EmbeddingsPipeline e = Pipelines.embeddings((String) null); TextClassificationPipeline c = Pipelines.textClassification((String) null)) {
            embeddings = e.embed(texts);
            labels = c.classify(texts, 1, null);
        }
        spark = SparkSession.builder().master("local[2]").appName("javelin-spark test")
                .config("spark.ui.enabled", false).config("spark.sql.shuffle.partitions", 2).getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private Dataset<Row> input() throws Exception {
        Path file = dir.resolve("in.parquet");
        if (!Files.exists(file)) TestFiles.write(file, Format.PARQUET, texts);
        return spark.read().parquet(file.toString()).repartition(2);
    }

    private static int row(Row r) {
        return Integer.parseInt(r.getString(r.fieldIndex("id")).substring(1));
    }

    private static void assertEmbeddings(List<Row> rows, String column) {
        assertThat(rows).hasSize(N);
        assertThat(rows.stream().map(SparkLocalTest::row).distinct()).hasSize(N);
        for (Row r : rows) {
            float[] got = floats(r.get(r.fieldIndex(column)));
            assertThat(Vectors.cosine(got, embeddings[row(r)])).as("row %d", row(r)).isGreaterThanOrEqualTo(0.99999f);
        }
    }

    @Test
    void embedderParquetInParquetOutEqualsTheInProcessPipeline() throws Exception {
        String out = dir.resolve("out.parquet").toString();
        new JavelinEmbedder().setInputCol("text").setOutputCol("vec").transform(input()).select("id", "vec").write().parquet(out);
        Dataset<Row> back = spark.read().parquet(out);
        assertThat(back.schema().apply("vec").dataType().simpleString()).isEqualTo("array<float>");
        assertEmbeddings(back.collectAsList(), "vec");
        // local[2] runs its executor in this JVM: the first model it loaded sized the engine's pool to spark.task.cpus.
        assertThat(System.getProperty("javelin.threads")).isEqualTo(spark.conf().get("spark.task.cpus", "1"));
    }

    @Test
    void classifierGivesThePipelinesLabels() throws Exception {
        List<Row> rows = new JavelinClassifier().transform(input()).collectAsList();
        assertThat(rows).hasSize(N);
        for (Row r : rows) {
            Label expected = labels.get(row(r)).getFirst();
            assertThat(r.getString(r.fieldIndex("label"))).isEqualTo(expected.label());
            assertThat(r.getFloat(r.fieldIndex("score"))).isCloseTo(expected.score(), Offset.offset(1e-5f));
        }
    }

    @Test
    void savedPipelineLoadsAndGivesTheSameEmbeddings() throws Exception {
        JavelinEmbedder embedder = new JavelinEmbedder().setOutputCol("e").setBatchTokens(1024).setNormalize(true).setPooling("mean");
        PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {embedder}).fit(input());
        String path = dir.resolve("pipeline").toString();
        fitted.write().save(path);
        PipelineModel loaded = PipelineModel.load(path);
        JavelinEmbedder stage = (JavelinEmbedder) loaded.stages()[0];
        assertThat(stage.uid()).isEqualTo(embedder.uid());
        assertThat(stage.key()).isEqualTo(embedder.key());
        assertEmbeddings(loaded.transform(input()).collectAsList(), "e");
    }

    @Test
    void sqlFunctions() throws Exception {
        JavelinSql.register(spark);
        input().limit(20).createOrReplaceTempView("reviews");
        List<Row> rows = spark.sql("SELECT id, javelin_embed(text) AS e, javelin_classify(text) AS c FROM reviews").collectAsList();
        assertThat(rows).hasSize(20);
        for (Row r : rows) {
            assertThat(Vectors.cosine(floats(r.get(1)), embeddings[row(r)])).isGreaterThanOrEqualTo(0.99999f);
            assertThat(r.getStruct(2).getString(0)).isEqualTo(labels.get(row(r)).getFirst().label());
        }
    }

    @Test
    void batchDriverWritesEveryGoodRowOnceAndSetsBadOnesAside() throws Exception {
        Path in = TestFiles.write(dir.resolve("in.jsonl"), Format.JSONL, texts);
        Files.writeString(in, "{\"id\":\"blank\",\"text\":\" \"}\n", java.nio.file.StandardOpenOption.APPEND);
        Path out = dir.resolve("out.parquet");
        BatchOptions o = new BatchOptions(Task.EMBED, in, Format.JSONL, out, Format.PARQUET, BatchOptions.defaultBadRows(out),
                new Columns("text", "id", null), null, BatchOptions.DEFAULT_CHUNK_ROWS, false);
        long[] counts = SparkBatchDriver.run(spark, new ClusterJob("local[2]", 4096, "f32", o));
        assertThat(counts).containsExactly(N + 1, 1);
        assertEmbeddings(spark.read().parquet(out.toString()).collectAsList(), "embedding");
    }

    @Test
    void batchDriverNumbersRowsAsTheLocalJobDoesAcrossPartitions() throws Exception {
        // No id column, so rows are numbered: blank lines are not rows, bad rows are.
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < N; i++) {
            if (i % 50 == 7) lines.append("\n  \t\n");
            if (i == 100) lines.append("{not json\n");
            if (i == 150) lines.append("{\"text\":\"\"}\n");
            lines.append(JSON.writeValueAsString(Map.of("text", texts.get(i)))).append('\n');
        }
        Path in = Files.writeString(dir.resolve("numbered.jsonl"), lines);
        Path local = dir.resolve("local.jsonl");
        Path out = dir.resolve("spark.parquet");
        try (RowModel m = RowModel.load(Task.EMBED, ModelSpec.DEFAULT, 4096)) {
            new BatchJob(new BatchOptions(Task.EMBED, in, Format.JSONL, local, Format.JSONL, BatchOptions.defaultBadRows(local),
                    Columns.DEFAULT, null, BatchOptions.DEFAULT_CHUNK_ROWS, false), m).run();
        }
        Map<Long, float[]> want = new HashMap<>();
        for (String line : Files.readAllLines(local)) {
            JsonNode row = JSON.readTree(line);
            want.put(row.get("row").asLong(), JSON.treeToValue(row.get("embedding"), float[].class));
        }
        assertThat(want).hasSize(N);

        BatchOptions o = new BatchOptions(Task.EMBED, in, Format.JSONL, out, Format.PARQUET, BatchOptions.defaultBadRows(out),
                Columns.DEFAULT, null, BatchOptions.DEFAULT_CHUNK_ROWS, false);
        assertThat(SparkBatchDriver.run(spark, new ClusterJob("local[2]", 4096, "f32", o))).containsExactly(N + 2, 2);
        assertThat(spark.read().json(in.toString()).rdd().getNumPartitions()).as("partitions the driver read").isGreaterThan(1);
        List<Row> rows = spark.read().parquet(out.toString()).collectAsList();
        assertThat(rows.stream().map(r -> r.getLong(0))).containsExactlyInAnyOrderElementsOf(want.keySet());
        for (Row r : rows) {
            assertThat(Vectors.cosine(floats(r.get(1)), want.get(r.getLong(0)))).as("row %d", r.getLong(0)).isGreaterThanOrEqualTo(0.99999f);
        }
        // The invalid line is row 100; the empty text, after it and 150 texts, row 151.
        assertThat(spark.read().json(out + ".bad").orderBy("row").collectAsList().stream().map(r -> r.getLong(r.fieldIndex("row")) + " " + r.getString(r.fieldIndex("reason"))))
                .containsExactly("100 no 'text' field", "151 empty text");
    }

    @Test
    void rerankerInASavedPipelineGivesThePipelinesScores() throws Exception {
        String model = SyntheticHeads.create(dir.resolve("cross-encoder"), List.of("LABEL_0"), 2).toString();
        String query = "a film worth seeing";
        float[] want = new float[N];
        try (RerankPipeline p = Pipelines.rerank(model)) {
            for (Rank r : p.rerank(query, texts)) want[r.index()] = r.score();
        }
        JavelinReranker reranker = new JavelinReranker().setModel(model).setQueryCol("q").setOutputCol("relevance").setBatchTokens(2048);
        Dataset<Row> in = input().withColumn("q", functions.lit(query));
        String path = dir.resolve("pipeline").toString();
        new Pipeline().setStages(new PipelineStage[] {reranker}).fit(in).write().save(path);
        JavelinReranker loaded = (JavelinReranker) PipelineModel.load(path).stages()[0];
        assertThat(loaded.key()).isEqualTo(reranker.key());

        List<Row> rows = loaded.transform(in).collectAsList();
        assertThat(rows).hasSize(N);
        for (Row r : rows) {
            assertThat(r.getFloat(r.fieldIndex("relevance"))).as("row %d", row(r)).isCloseTo(want[row(r)], Offset.offset(1e-5f));
        }
    }

    @Test
    void dtypeQuantizesOnTheExecutorsAsInProcess() throws Exception {
        JavelinEmbedder int8 = new JavelinEmbedder().setDtype("INT8");
        assertThat(int8.key().dtype()).isEqualTo("int8");
        assertThatThrownBy(() -> new JavelinEmbedder().setDtype("fp64")).hasMessageContaining("unknown dtype \"fp64\"");
        float[][] want;
        try (EmbeddingsPipeline p = Pipelines.embeddings(ModelSpec.DEFAULT.withDtype(WeightDType.INT8))) {
            want = p.embed(texts);
        }
        List<Row> rows = int8.transform(input()).collectAsList();
        assertThat(rows).hasSize(N);
        int unlikeF32 = 0;
        for (Row r : rows) {
            float[] got = floats(r.get(r.fieldIndex("embedding")));
            assertThat(Vectors.cosine(got, want[row(r)])).as("row %d", row(r)).isGreaterThanOrEqualTo(0.99999f);
            if (!java.util.Arrays.equals(got, embeddings[row(r)])) unlikeF32++;
        }
        assertThat(unlikeF32).as("rows whose int8 embedding differs from the f32 one").isEqualTo(N);
    }

    static float[] floats(Object array) {
        if (array instanceof float[] f) return f;
        @SuppressWarnings("unchecked")
        scala.collection.Seq<Object> seq = (scala.collection.Seq<Object>) array;
        float[] out = new float[seq.size()];
        for (int i = 0; i < out.length; i++) out[i] = (Float) seq.apply(i);
        return out;
    }

}
