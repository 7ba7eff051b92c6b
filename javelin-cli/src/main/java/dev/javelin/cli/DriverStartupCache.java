package dev.javelin.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.javelin.batch.BatchOptions;
import dev.javelin.batch.ClusterJob;
import dev.javelin.batch.Columns;
import dev.javelin.batch.Format;
import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.Stream;

/**
 * The Spark driver's JDK AOT cache: Spark's classes loaded and linked, with method profiles, so a
 * driver starts and plans its job faster (Spark's start-up, not Javelin's, is most of what a
 * {@code local[N]} run spends outside its tasks). A short job on generated rows trains it once per
 * build, as the launcher does for {@code serve}; a cache older than a jar on the driver's class path
 * belongs to an earlier build and is trained again. {@code JAVELIN_AOT=0} runs without.
 */
final class DriverStartupCache {
    /** Enough rows for a few forward passes in each of local[2]'s tasks, so the compute paths are profiled too. */
    private static final int TRAINING_ROWS = 512;

    private DriverStartupCache() {
    }

    /**
     * @param dir       where the cache lives (the module's target/aot)
     * @param classpath the driver's class path, which the cache is only valid for
     * @param job       the job about to run: training uses its task, columns and model
     * @param command   the driver's command line for extra JVM options and a job
     * @return the JVM options that use the cache; none when it is off or could not be trained
     */
    static List<String> options(Path dir, String classpath, ClusterJob job, BiFunction<List<String>, ClusterJob, List<String>> command)
            throws IOException, InterruptedException {
        if ("0".equals(System.getenv("JAVELIN_AOT"))) return List.of();
        Path cache = dir.resolve("driver.aot");
        Files.createDirectories(dir);
        try (FileChannel lock = FileChannel.open(dir.resolve("train.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock held = lock.lock()) {
            if (!fresh(cache, classpath)) train(dir, cache, job, command);
        }
        return Files.isRegularFile(cache) ? List.of("-XX:AOTCache=" + cache) : List.of();
    }

    private static boolean fresh(Path cache, String classpath) throws IOException {
        if (!Files.isRegularFile(cache)) return false;
        FileTime made = Files.getLastModifiedTime(cache);
        for (String entry : classpath.split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (Files.exists(p) && Files.getLastModifiedTime(p).compareTo(made) > 0) return false;
        }
        return true;
    }

    private static void train(Path dir, Path cache, ClusterJob job, BiFunction<List<String>, ClusterJob, List<String>> command)
            throws IOException, InterruptedException {
        Files.deleteIfExists(cache);
        System.err.println("javelin: training the Spark driver's start-up cache for this build (once, about half a minute)...");
        Path work = Files.createTempDirectory(dir, "train");
        try {
            BatchOptions o = job.options();
            Path input = writeInput(work.resolve("input.jsonl"), o.columns());
            Path output = work.resolve("output.parquet");
            ClusterJob training = new ClusterJob("local[2]", job.batchTokens(), job.dtype(), new BatchOptions(o.task(), input, Format.JSONL,
                    output, Format.PARQUET, BatchOptions.defaultBadRows(output), o.columns(), o.model(), o.chunkRows(), false));
            Path recorded = work.resolve("driver.aot");
            Path log = dir.resolve("train.log");
            int exit = new ProcessBuilder(command.apply(List.of("-XX:AOTCacheOutput=" + recorded), training))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start().waitFor();
            if (exit == 0 && Files.isRegularFile(recorded)) {
                Files.move(recorded, cache, StandardCopyOption.ATOMIC_MOVE);
            } else {
                System.err.println("javelin: no start-up cache for the Spark driver (exit " + exit + ", see " + log + "); running without");
            }
        } finally {
            try (Stream<Path> files = Files.walk(work)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    /** Generated rows with the job's columns: the text, an id and a query where the job reads them. */
    private static Path writeInput(Path file, Columns c) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> lines = new ArrayList<>(TRAINING_ROWS);
        for (int i = 0; i < TRAINING_ROWS; i++) {
            ObjectNode row = json.createObjectNode();
            row.put(c.text(), "a sentence that warms up the driver, number " + i + (i % 3 == 0 ? ", with a few more words" : ""));
            if (c.id() != null) row.put(c.id(), "t" + i);
            if (c.query() != null) row.put(c.query(), "which sentence is warm");
            lines.add(json.writeValueAsString(row));
        }
        return Files.write(file, lines);
    }
}
