package dev.javelin.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The no-lost-work promise, with real processes: a job is SIGKILLed twice after different numbers of
 * committed chunks, re-run with the same arguments each time, and its final output must hold every
 * row exactly once, in order, with the values of a run that was never interrupted.
 */
class KillAndResumeTest {
    /** All of SST-2 dev: 872 sentences, 15 chunks. */
    private static final int ROWS = 872;
    private static final int CHUNK = 60;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = Format.class, names = {"JSONL", "PARQUET"})
    void killedTwiceAndResumedEqualsAnUninterruptedRun(Format format) throws Exception {
        Path input = TestFiles.write(dir.resolve("in.jsonl"), Format.JSONL, TestFiles.sst2Dev(ROWS));
        Path clean = dir.resolve("clean." + format.extension());
        Path resumed = dir.resolve("resumed." + format.extension());
        Path parts = dir.resolve(resumed.getFileName() + ".parts");

        assertThat(start(input, clean).waitFor(5, TimeUnit.MINUTES)).isTrue();

        List<Integer> killedAt = new ArrayList<>();
        for (int atLeast : new int[] {2, 7}) {
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
        assertThat(killedAt.get(1)).isGreaterThan(killedAt.get(0));

        Process last = start(input, resumed);
        assertThat(last.waitFor(5, TimeUnit.MINUTES)).isTrue();
        String log = new String(last.getInputStream().readAllBytes());
        assertThat(last.exitValue()).as(log).isZero();
        assertThat(log).contains("resuming after " + killedAt.get(1) + " committed chunks");

        // Every row once, in input order, with the uninterrupted run's values. Not byte for byte: the
        // engine's attention softmax sums lanes in an order that depends on the JIT tier (see the
        // kernels docs), so a chunk computed in another process can differ in the last bit (seen:
        // <= 1.1e-7) even after the job's warm-up pass. Most runs are byte-identical.
        Map<String, Map<String, Object>> got = TestFiles.read(resumed, format), want = TestFiles.read(clean, format);
        assertThat(got).hasSize(ROWS);
        assertThat(got.keySet()).containsExactlyElementsOf(want.keySet());
        for (String id : want.keySet()) {
            assertThat((float[]) got.get(id).get("embedding")).as(id)
                    .containsExactly((float[]) want.get(id).get("embedding"), Offset.offset(1e-6f));
        }
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
