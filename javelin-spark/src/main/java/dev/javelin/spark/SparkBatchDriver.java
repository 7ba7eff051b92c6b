package dev.javelin.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.javelin.batch.BatchOptions;
import dev.javelin.batch.ClusterJob;
import dev.javelin.batch.Columns;
import dev.javelin.batch.Format;
import dev.javelin.batch.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * {@code javelin batch … --spark-master URL}: the batch job as a Spark application. Spark's readers
 * and writers do the I/O, the Transformers the work; the output is a directory of part files written
 * through Spark's commit protocol, so a task retried after an executor dies is written once. Rows
 * without text go to {@code <output>.bad} (their row number and reason) instead of the output.
 */
public final class SparkBatchDriver {
    private SparkBatchDriver() {
    }

    /** @param args one argument: the {@link ClusterJob} as JSON */
    public static void main(String[] args) throws Exception {
        if (args.length != 1) throw new IllegalArgumentException("usage: SparkBatchDriver <job JSON>");
        ClusterJob job = new ObjectMapper().readValue(args[0], ClusterJob.class);
        SparkSession.Builder builder = SparkSession.builder()
                .appName("javelin batch " + job.options().task().name().toLowerCase(Locale.ROOT) + " " + job.options().input().getFileName());
        // Without a master in the job, spark-submit's --master (and its --jars) apply.
        if (job.master() != null) builder.master(job.master());
        if (job.master() != null && !job.master().startsWith("local")) {
            // Executors on other JVMs get Javelin from the driver (the module's -all jar) and need its two JVM options.
            builder.config("spark.jars", shadedJar().toString())
                    .config("spark.executor.extraJavaOptions", "--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED");
        }
        SparkSession spark = builder.getOrCreate();
        try {
            long start = System.nanoTime();
            long[] counts = run(spark, job);
            double s = (System.nanoTime() - start) / 1e9;
            System.err.printf(Locale.ROOT, "javelin batch: %d rows (%d bad) in %.1f s, %.1f rows/s on %s; wrote %s%n",
                    counts[0], counts[1], s, counts[0] / s, spark.sparkContext().master(), job.options().output());
        } finally {
            spark.stop();
        }
    }

    /** target/javelin-spark-V-all.jar, beside the jar (or classes) this class was loaded from. */
    private static Path shadedJar() throws Exception {
        Path self = Path.of(SparkBatchDriver.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path target = self.getParent();
        try (var files = Files.list(target)) {
            return files.filter(f -> f.getFileName().toString().matches("javelin-spark-.*-all\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no javelin-spark-*-all.jar in " + target
                            + "; build the module (./mvnw -pl javelin-spark -am package)"));
        }
    }

    /** @return rows read and bad rows */
    public static long[] run(SparkSession spark, ClusterJob job) {
        BatchOptions o = job.options();
        Columns c = o.columns();
        // Three actions use the numbered input (the results, the bad rows, the count): parse and number
        // it once. Memory first, spilling to the executors' local disks when it does not fit.
        Dataset<Row> input = withRowNumbers(spark, read(spark, o.inputFormat(), o.input().toString()), c)
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            return run(job, input);
        } finally {
            input.unpersist();
        }
    }

    private static long[] run(ClusterJob job, Dataset<Row> input) {
        BatchOptions o = job.options();
        Columns c = o.columns();
        Column text = functions.col(c.text());
        Column reason = blank(text, c.text());
        if (o.task() == Task.RERANK) reason = functions.coalesce(blank(functions.col(c.query()), c.query()), reason);
        Column bad = reason.isNotNull();
        Dataset<Row> good = spread(input.sparkSession(), input.filter(functions.not(bad)));
        JavelinTransformer<?> t = switch (o.task()) {
            case EMBED -> new JavelinEmbedder();
            case CLASSIFY -> new JavelinClassifier();
            case RERANK -> new JavelinReranker().setQueryCol(c.query());
        };
        t.setModel(o.model()).setInputCol(c.text()).setBatchTokens(job.batchTokens()).setDtype(job.dtype());
        List<Column> out = new ArrayList<>();
        out.add(functions.col(c.idOut()));
        for (String name : t.outputColumns()) out.add(functions.col(name));
        Dataset<Row> results = t.transform(good).select(out.toArray(Column[]::new));
        if (o.task() == Task.EMBED && (o.outputFormat() == Format.CSV || o.outputFormat() == Format.TSV)) {
            // CSV has no arrays: one field holding the JSON array, as the local job writes it.
            results = results.withColumn(t.getOutputCol(), functions.to_json(functions.col(t.getOutputCol())));
        }
        write(results, o.outputFormat(), o.output().toString());
        Dataset<Row> rejected = input.filter(bad).select(functions.col(c.idOut()), reason.as("reason"));
        rejected.write().mode("overwrite").json(o.output() + ".bad");
        return new long[] {input.count(), rejected.count()};
    }

    /** Why {@code column} cannot be used: null when it holds text. */
    private static Column blank(Column column, String name) {
        return functions.when(column.isNull(), functions.lit("no '" + name + "' field"))
                .when(functions.trim(column).equalTo(""), functions.lit("empty " + name));
    }

    /**
     * A file smaller than Spark's split size (128 MB) is read as one partition, which one task on
     * one core would process alone: spread such input over twice the cluster's parallelism, so every
     * core has work and the last tasks finish together.
     */
    private static Dataset<Row> spread(SparkSession spark, Dataset<Row> rows) {
        int target = 2 * spark.sparkContext().defaultParallelism();
        return rows.rdd().getNumPartitions() < target ? rows.repartition(target) : rows;
    }

    static Dataset<Row> read(SparkSession spark, Format format, String path) {
        DataFrameReader r = spark.read();
        return switch (format) {
            case PARQUET -> r.parquet(path);
            case JSONL -> r.json(path);
            case CSV -> r.option("header", true).option("multiLine", true).csv(path);
            // As the local job: tabs split fields, quotes are plain characters.
            case TSV -> r.option("header", true).option("sep", "\t").option("quote", "").csv(path);
        };
    }

    static void write(Dataset<Row> results, Format format, String path) {
        var w = results.write().mode("overwrite");
        switch (format) {
            case PARQUET -> w.parquet(path);
            case JSONL -> w.json(path);
            case CSV, TSV -> w.option("header", true).option("sep", format == Format.TSV ? "\t" : ",")
                    .csv(path);
        }
    }

    /** With no id column, the 0-based row number in file order (as the local job numbers rows). */
    private static Dataset<Row> withRowNumbers(SparkSession spark, Dataset<Row> input, Columns c) {
        if (c.id() != null) return input;
        StructType schema = input.schema().add(DataTypes.createStructField(c.idOut(), DataTypes.LongType, false));
        JavaRDD<Row> numbered = input.javaRDD().zipWithIndex().map(p -> {
            Object[] v = new Object[p._1().length() + 1];
            for (int i = 0; i < p._1().length(); i++) v[i] = p._1().get(i);
            v[v.length - 1] = p._2();
            return RowFactory.create(v);
        });
        return spark.createDataFrame(numbered, schema);
    }
}
