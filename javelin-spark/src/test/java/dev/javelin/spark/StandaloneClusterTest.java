package dev.javelin.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.javelin.batch.Format;
import dev.javelin.batch.TestFiles;
import dev.javelin.engine.Vectors;
import dev.javelin.pipelines.EmbeddingsPipeline;
import dev.javelin.pipelines.Pipelines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real cluster: a standalone Master and two Workers, each its own JVM on loopback, run a job over
 * the SST-2 dev set submitted from this JVM. One Worker is SIGKILLed while the job runs; Spark
 * must retry its tasks on the other and the output must still hold every row exactly once, each
 * equal to the in-process pipeline's embedding.
 */
class StandaloneClusterTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void survivesTheLossOfAWorkerMidJob() throws Exception {
        List<String> texts = TestFiles.sst2Dev(Integer.MAX_VALUE);
        float[][] expected;
        try (EmbeddingsPipeline p = Pipelines.embeddings((String) null)) {
            expected = p.embed(texts);
        }
        Path input = TestFiles.write(dir.resolve("in.parquet"), Format.PARQUET, texts);
        String output = dir.resolve("out.parquet").toString();
        // The options the CLI's driver uses (javelin-spark/jvm.options), for every daemon and executor.
        List<String> jvm = Files.readAllLines(Path.of("jvm.options")).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        try (LoopbackCluster cluster = new LoopbackCluster(dir, 2, jvm)) {
            SparkSession spark = SparkSession.builder().master(cluster.url()).appName("javelin cluster test")
                    .config("spark.ui.enabled", false)
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.executor.memory", "1g")
                    .config("spark.executor.extraJavaOptions", String.join(" ", jvm))
                    .config("spark.executor.extraClassPath", LoopbackCluster.classDirectories())
                    .config("spark.task.maxFailures", 4)
                    .getOrCreate();
            try {
                AtomicInteger finished = new AtomicInteger();
                AtomicInteger lost = new AtomicInteger();
                spark.sparkContext().addSparkListener(new SparkListener() {
                    @Override
                    public void onTaskEnd(SparkListenerTaskEnd e) {
                        if (e.taskInfo().successful()) finished.incrementAndGet();
                    }

                    @Override
                    public void onExecutorRemoved(SparkListenerExecutorRemoved e) {
                        lost.incrementAndGet();
                    }
                });
                waitForExecutors(spark, 2);
                CompletableFuture<Void> job = CompletableFuture.runAsync(() -> new JavelinEmbedder()
                        .transform(spark.read().parquet(input.toString()).repartition(16))
                        .select("id", "embedding").write().parquet(output));
                while (finished.get() < 3) {
                    assertThat(job).as("the job ended before a worker could be killed").isNotDone();
                    Thread.sleep(50);
                }
                System.out.println("executor peak RSS before the kill (MiB): " + cluster.executorPeakRssMiB());
                cluster.killWorker(1);
                assertThat(job).as("killed mid-job").isNotDone();
                job.get(5, TimeUnit.MINUTES);
                System.out.println("surviving executor peak RSS (MiB): " + cluster.executorPeakRssMiB() + "; tasks finished: " + finished.get());
                assertThat(lost.get()).isEqualTo(1);

                List<Row> rows = spark.read().parquet(output).collectAsList();
                assertThat(rows).hasSize(texts.size());
                assertThat(rows.stream().map(r -> r.getString(0)).distinct()).hasSize(texts.size());
                for (Row r : rows) {
                    int i = Integer.parseInt(r.getString(0).substring(1));
                    assertThat(Vectors.cosine(SparkLocalTest.floats(r.get(1)), expected[i])).isGreaterThanOrEqualTo(0.99999f);
                }
            } finally {
                spark.stop();
            }
        }
        assertThat(Files.list(dir.resolve("out.parquet")).filter(p -> p.toString().endsWith(".parquet"))).isNotEmpty();
    }

    private static void waitForExecutors(SparkSession spark, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (spark.sparkContext().getExecutorMemoryStatus().size() < n + 1) {
            assertThat(System.nanoTime()).as("executors did not register in 2 minutes").isLessThan(deadline);
            Thread.sleep(200);
        }
    }
}
