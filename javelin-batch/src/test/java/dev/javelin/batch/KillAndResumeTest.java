package dev.javelin.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The no-lost-work promise, with real processes: a job is SIGKILLed three times after different
 * numbers of committed chunks, re-run with the same arguments each time, and its final output must
 * be byte for byte the output of a run that was never interrupted.
 */
class KillAndResumeTest {
    /** All of SST-2 dev: 872 sentences, 15 chunks. */
    private static final int ROWS = 872;
    private static final int CHUNK = 60;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = Format.class, names = {"JSONL", "PARQUET"})
    void killedThriceAndResumedEqualsAnUninterruptedRun(Format format) throws Exception {
        Path input = TestFiles.write(dir.resolve("in.jsonl"), Format.JSONL, TestFiles.sst2Dev(ROWS));
        Path clean = dir.resolve("clean." + format.extension());
        Path resumed = dir.resolve("resumed." + format.extension());
        Path parts = dir.resolve(resumed.getFileName() + ".parts");

        assertThat(start(input, clean).waitFor(5, TimeUnit.MINUTES)).isTrue();

        List<Integer> killedAt = new ArrayList<>();
        for (int atLeast : new int[] {1, 5, 11}) {
            Process p = start(input, resumed);
            while (chunks(parts) < atLeast) {
                assertThat(p.isAlive()).as("the job ended before it could be killed").isTrue();
                Thread.sleep(20);
            }
            p.destroyForcibly(); // SIGKILL
            p.waitFor();
            assertThat(p.exitValue()).isEqualTo(137);
            killedAt.add(chunks(parts));
        }
        assertThat(resumed).doesNotExist();
        assertThat(killedAt).isSorted().doesNotHaveDuplicates();

        Process last = start(input, resumed);
        assertThat(last.waitFor(5, TimeUnit.MINUTES)).isTrue();
        String log = new String(last.getInputStream().readAllBytes());
        assertThat(last.exitValue()).as(log).isZero();
        assertThat(log).contains("resuming after " + killedAt.getLast() + " committed chunks");

        assertThat(TestFiles.read(resumed, format)).hasSize(ROWS);
        assertThat(Files.mismatch(resumed, clean)).as("first differing byte").isEqualTo(-1L);
        assertThat(parts).doesNotExist();
    }

    private static Process start(Path input, Path output) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), JobInAnotherProcess.class.getName(),
                input.toString(), output.toString(), Integer.toString(CHUNK))
                .redirectErrorStream(true).start();
    }

    private static int chunks(Path parts) throws Exception {
        if (!Files.isDirectory(parts)) return 0;
        try (Stream<Path> s = Files.list(parts)) {
            return (int) s.filter(p -> p.getFileName().toString().matches("chunk-\\d{8}\\.(jsonl|parquet)")).count();
        }
    }
}
