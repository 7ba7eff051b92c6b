package dev.javelin.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A model's outputs are the same bits however warm the JIT is and whatever else is in the batch, which
 * is what lets the front ends be compared bit for bit (FrontEndsAgreeTest). A JVM limited to C1 runs
 * the Vector API through its Java fallback, lane by lane, as the interpreter does; this JVM runs the
 * same code compiled by C2 after warm-up. Any reduction whose order depends on the tier
 * ({@code reduceLanes(ADD)}, a vector-math stub for {@code exp}) shows up as a different last bit.
 */
class JitTierIndependenceTest {

    @Test
    void c1AndC2GiveTheSameBits() throws Exception {
        List<String> warm;
        try (Engine engine = Engine.load(ModelSpec.DEFAULT)) {
            for (int i = 0; i < 30; i++) OutputBits.of(engine);
            warm = OutputBits.of(engine);
        }
        assertThat(warm.getLast()).as("an input alone and in a batch").isEqualTo(warm.get(1));
        assertThat(inAnotherJvm("-XX:TieredStopAtLevel=1")).containsExactlyElementsOf(warm);
    }

    private static List<String> inAnotherJvm(String jitFlag) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                jitFlag, "-cp", System.getProperty("java.class.path"), OutputBits.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).isZero();
        return out.lines().toList();
    }
}
