package dev.javelin.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.javelin.batch.ClusterJob;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Runs {@code batch --spark-master} as a Spark driver in a child JVM built from the javelin-spark
 * module: Spark's jars and the JVM options it needs on JDK 25 ({@code javelin-spark/jvm.options})
 * never enter the engine's own class path or process.
 */
final class SparkDriverProcess {
    private static final String DRIVER = "dev.javelin.spark.SparkBatchDriver";

    private SparkDriverProcess() {
    }

    static int run(ClusterJob job) throws IOException, InterruptedException {
        Path module = repository().resolve("javelin-spark");
        Path target = module.resolve("target");
        Path classpath = target.resolve("spark-classpath.txt");
        if (!Files.isRegularFile(classpath)) {
            throw new IOException(classpath + " is missing: build javelin-spark first (./mvnw -pl javelin-spark -am package)");
        }
        List<String> java = new ArrayList<>();
        java.add(ProcessHandle.current().info().command().orElse("java"));
        java.addAll(jvmOptions(module.resolve("jvm.options")));
        String path = moduleJar(target) + File.pathSeparator + Files.readString(classpath).strip();
        BiFunction<List<String>, ClusterJob, List<String>> command = (options, j) -> {
            List<String> cmd = new ArrayList<>(java);
            cmd.addAll(options);
            cmd.add("-cp");
            cmd.add(path);
            cmd.add(DRIVER);
            try {
                cmd.add(new ObjectMapper().writeValueAsString(j));
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
            return cmd;
        };
        List<String> cache = DriverStartupCache.options(target.resolve("aot"), path, job, command);
        return new ProcessBuilder(command.apply(cache, job)).inheritIO().start().waitFor();
    }

    private static Path moduleJar(Path target) throws IOException {
        try (var jars = Files.list(target)) {
            return jars.filter(p -> p.getFileName().toString().matches("javelin-spark-[^-]+(-SNAPSHOT)?\\.jar")).findFirst()
                    .orElseThrow(() -> new IOException("no javelin-spark jar in " + target + ": build javelin-spark first"));
        }
    }

    /** One option per line; # starts a comment. */
    static List<String> jvmOptions(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            String s = line.strip();
            if (!s.isEmpty() && !s.startsWith("#")) out.add(s);
        }
        return out;
    }

    /** The checkout this CLI was built in: its jar or classes live in {@code <repo>/javelin-cli/target/}. */
    private static Path repository() throws IOException {
        try {
            Path here = Path.of(SparkDriverProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return here.getParent().getParent().getParent();
        } catch (URISyntaxException e) {
            throw new IOException("cannot locate the javelin checkout", e);
        }
    }
}
