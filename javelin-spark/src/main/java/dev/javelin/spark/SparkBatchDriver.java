package dev.javelin.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.javelin.batch.BatchOptions;
import dev.javelin.batch.ClusterJob;
import dev.javelin.batch.Columns;
import dev.javelin.batch.Format;
import dev.javelin.batch.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code javelin batch … --spark-master URL}: the batch job as a Spark application. Spark's readers
 * and writers do the I/O, the Transformers the work; the output is a directory of part files written
 * through Spark's commit protocol, so a task retried after an executor dies is written once. Rows
 * without text go to {@code <output>.bad} (their row number and reason) instead of the output.
 */
public final class SparkBatchDriver {
    /** What the passes that write count, through an {@link Observation}. */
    private static final Column ROWS = functions.count(functions.lit(1)).as("rows");

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
    public static long[] run(SparkSession spark, ClusterJob job) throws IOException, InterruptedException {
        BatchOptions o = job.options();
        Columns c = o.columns();
        splitSmallFiles(spark);
        // No cache: the results' pass parses the input and sees whether any row is bad; only then does a
        // second pass parse it again for the bad rows. The counts come from the passes themselves.
        Dataset<Row> input = withRowNumbers(read(spark, o.inputFormat(), o.input().toString(), c), c);
        Column text = functions.col(c.text());
        Column reason = blank(text, c.text());
        if (o.task() == Task.RERANK) reason = functions.coalesce(blank(functions.col(c.query()), c.query()), reason);
        Column bad = reason.isNotNull();
        // A task of a map stage (before spread's shuffle) that is run again counts again, so this only
        // tells whether there are bad rows; their pass counts them.
        Observation seen = new Observation("input");
        Dataset<Row> good = spread(spark, input, input.observe(seen, functions.count_if(bad).as("rows")).filter(functions.not(bad)));
        JavelinTransformer<?> t = switch (o.task()) {
            case EMBED -> new JavelinEmbedder();
            case CLASSIFY -> new JavelinClassifier();
            case RERANK -> new JavelinReranker().setQueryCol(c.query());
        };
        t.setModel(o.model()).setInputCol(c.text()).setBatchTokens(job.batchTokens()).setDtype(job.dtype());
        List<Column> out = new ArrayList<>();
        out.add(functions.col(c.idOut()));
        for (String name : t.outputColumns()) out.add(functions.col(name));
        // Counted where the rows are written (the final stage), so a retried task is counted once.
        Observation written = new Observation("results");
        Dataset<Row> results = t.transform(good).select(out.toArray(Column[]::new)).observe(written, ROWS);
        if (o.task() == Task.EMBED && (o.outputFormat() == Format.CSV || o.outputFormat() == Format.TSV)) {
            // CSV has no arrays: one field holding the JSON array, as the local job writes it.
            results = results.withColumn(t.getOutputCol(), functions.to_json(functions.col(t.getOutputCol())));
        }
        write(results, o.outputFormat(), o.output().toString());
        String badRows = o.output() + ".bad";
        long rejected = 0;
        if (rows(seen) > 0) {
            Observation setAside = new Observation("bad rows");
            input.filter(bad).select(functions.col(c.idOut()), reason.as("reason")).observe(setAside, ROWS)
                    .write().mode("overwrite").json(badRows);
            rejected = rows(setAside);
        } else {
            // As the local job: no bad rows, no bad rows' file (not one left from an earlier run).
            org.apache.hadoop.fs.Path stale = new org.apache.hadoop.fs.Path(badRows);
            stale.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(stale, true);
        }
        return new long[] {rows(written) + rejected, rejected};
    }

    private static long rows(Observation o) throws InterruptedException {
        return ((Number) o.getAsJava().get("rows")).longValue();
    }

    /**
     * Spark reads a file smaller than its 4 MB open cost as one partition, which one core would
     * process alone while the others wait. Split files into two partitions a core instead, of equal
     * size (the open cost, counted once a file, would otherwise make all but the last split larger,
     * and the core given the short one idles at the end). A split holds whole records, so JSON lines
     * and TSV split; multi-line CSV cannot and is {@linkplain #spread spread} after reading. Large
     * files keep Spark's 128 MB splits.
     */
    private static void splitSmallFiles(SparkSession spark) {
        spark.conf().set("spark.sql.files.minPartitionNum", Integer.toString(2 * spark.sparkContext().defaultParallelism()));
        spark.conf().set("spark.sql.files.openCostInBytes", "4096");
    }

    /** Why {@code column} cannot be used: null when it holds text. */
    private static Column blank(Column column, String name) {
        return functions.when(column.isNull(), functions.lit("no '" + name + "' field"))
                .when(functions.trim(column).equalTo(""), functions.lit("empty " + name));
    }

    /**
     * {@code rows} (drawn from {@code input}) shuffled into twice the cluster's parallelism when the
     * input was read as fewer partitions (a multi-line CSV file, a Parquet file of one row group), so
     * every core has work and the last tasks finish together.
     */
    private static Dataset<Row> spread(SparkSession spark, Dataset<Row> input, Dataset<Row> rows) {
        int target = 2 * spark.sparkContext().defaultParallelism();
        // Counted on the input: asking an observed Dataset for its RDD ends its Observation with zeros.
        return input.rdd().getNumPartitions() < target ? rows.repartition(target) : rows;
    }

    static Dataset<Row> read(SparkSession spark, Format format, String path, Columns columns) {
        DataFrameReader r = spark.read();
        return switch (format) {
            case PARQUET -> r.parquet(path);
            // The job's columns as text (as the local job reads them, numbers included): no pass over
            // the file to infer a schema, and a missing field is a bad row, not a missing column.
            case JSONL -> r.schema(textColumns(columns)).json(path);
            case CSV -> r.option("header", true).option("multiLine", true).csv(path);
            // As the local job: tabs split fields, quotes are plain characters.
            case TSV -> r.option("header", true).option("sep", "\t").option("quote", "").csv(path);
        };
    }

    private static StructType textColumns(Columns c) {
        StructType schema = new StructType();
        for (String name : new LinkedHashSet<>(Arrays.asList(c.text(), c.id(), c.query()))) {
            if (name != null) schema = schema.add(name, DataTypes.StringType, true);
        }
        return schema;
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

    /**
     * With no id column, the 0-based row number in file order, as the local job numbers rows: each
     * partition counts on from the rows of the partitions before it (a file's partitions are its
     * splits in order). The numbers are given in the pass that does the work; only the partitions'
     * row counts take a pass of their own, and none is needed for input read as one partition.
     */
    private static Dataset<Row> withRowNumbers(Dataset<Row> input, Columns c) {
        if (c.id() != null) return input;
        long[] offsets = partitionOffsets(input);
        StructType schema = input.schema().add(DataTypes.createStructField(c.idOut(), DataTypes.LongType, false));
        return input.mapPartitions((MapPartitionsFunction<Row, Row>) rows -> new Iterator<>() {
            private long next = offsets[TaskContext.getPartitionId()];

            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public Row next() {
                Row r = rows.next();
                Object[] v = new Object[r.length() + 1];
                for (int i = 0; i < r.length(); i++) v[i] = r.get(i);
                v[v.length - 1] = next++;
                return RowFactory.create(v);
            }
        }, Encoders.row(schema));
    }

    /** The row number each partition of {@code input} starts at. */
    private static long[] partitionOffsets(Dataset<Row> input) {
        int partitions = input.rdd().getNumPartitions();
        long[] offsets = new long[partitions];
        if (partitions == 1) return offsets;
        List<Long> counts = input.mapPartitions((MapPartitionsFunction<Row, Long>) rows -> {
            long n = 0;
            for (; rows.hasNext(); rows.next()) n++;
            return List.of(n).iterator();
        }, Encoders.LONG()).collectAsList();
        for (int p = 1; p < partitions; p++) offsets[p] = offsets[p - 1] + counts.get(p - 1);
        return offsets;
    }
}
