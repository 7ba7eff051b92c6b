package dev.javelin.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two processes that need the embedded default at the same moment: one converts, the other waits and reuses it. */
class BundledModelProcessesTest {

    @Test
    void concurrentFirstRunsConvertOnce(@TempDir Path cache) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> processes = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            processes.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    ConvertInAnotherProcess.class.getName(), cache.toString()).redirectErrorStream(true).start());
        }
        List<String> outputs = new ArrayList<>();
        for (Process p : processes) {
            assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(out).isZero();
            outputs.add(out);
        }
        long conversions = outputs.stream().filter(o -> o.contains("converting the bundled all-minilm-l6-v2")).count();
        assertThat(conversions).as(String.join("\n---\n", outputs)).isEqualTo(1);
        Path dir = Path.of(outputs.getFirst().lines().filter(l -> l.startsWith("/")).findFirst().orElseThrow());
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", "modules.json", "1_Pooling/config.json")) {
            assertThat(dir.resolve(f)).isRegularFile();
        }
        try (var s = Files.list(dir.getParent())) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".tmp-") || n.startsWith("tokenizer-"));
        }
    }
}
