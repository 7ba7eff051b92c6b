package dev.javelin.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import dev.javelin.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class JitSettingsTest {
    /** G1's defaults on a JVM with C2: what the kernels need. */
    private static Map<String, String> flags(String... overrides) {
        Map<String, String> f = new HashMap<>(Map.of("UseCompiler", "true", "TieredCompilation", "true",
                "TieredStopAtLevel", "4", "UseCountedLoopSafepoints", "true", "LoopStripMiningIter", "1000"));
        for (int i = 0; i < overrides.length; i += 2) f.put(overrides[i], overrides[i + 1]);
        return f;
    }

    @Test
    void c2WithStripMinedLoopsNeedsNoWarning() {
        assertThat(JitSettings.warning(flags())).isNull();
        assertThat(JitSettings.warning(flags("LoopStripMiningIter", "2"))).isNull();
        // C2 alone, without tiers, is C2
        assertThat(JitSettings.warning(flags("TieredCompilation", "false", "TieredStopAtLevel", "1"))).isNull();
    }

    @Test
    void loopsWithoutStripMiningAreNamedWithTheFix() {
        // SerialGC and ParallelGC's defaults; counted-loop safepoints alone set the iterations to 1, a poll every step
        for (String[] v : new String[][] {{"false", "0"}, {"true", "1"}, {"false", "1000"}}) {
            assertThat(JitSettings.warning(flags("UseCountedLoopSafepoints", v[0], "LoopStripMiningIter", v[1])))
                    .contains("UseCountedLoopSafepoints=" + v[0], "LoopStripMiningIter=" + v[1],
                            "-XX:+UseCountedLoopSafepoints -XX:LoopStripMiningIter=1000");
        }
    }

    @Test
    void withoutC2TheWarningSaysSoBeforeAnythingElse() {
        for (String level : new String[] {"0", "1", "2", "3"}) {
            assertThat(JitSettings.warning(flags("TieredStopAtLevel", level, "UseCountedLoopSafepoints", "false")))
                    .contains("below C2 (TieredStopAtLevel=" + level + ")", "without -XX:TieredStopAtLevel");
        }
        assertThat(JitSettings.warning(flags("UseCompiler", "false"))).contains("interpreted only (-Xint)");
    }

    @Test
    void unreadableValuesAreNotGuessedAt() {
        assertThat(JitSettings.warning(flags("LoopStripMiningIter", ""))).isNull();
        assertThat(JitSettings.warning(flags("TieredStopAtLevel", "x"))).isNull();
    }

    @Test
    void theFlagsItReadsAllExistInThisJvm() {
        var vm = java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
        for (String flag : JitSettings.FLAGS) assertThat(vm.getVMOption(flag).getValue()).isNotEmpty();
    }

    @Test
    void aSerialGcJvmWarnsAtItsFirstProductAndAStripMinedOneDoesNot() throws Exception {
        assertThat(runProbe("-XX:+UseSerialGC")).contains("WARNING", "LoopStripMiningIter=0", "product ok");
        assertThat(runProbe("-XX:+UseSerialGC", "-XX:+UseCountedLoopSafepoints", "-XX:LoopStripMiningIter=1000"))
                .doesNotContain("strip mining").contains("product ok");
        assertThat(runProbe("-XX:+UseSerialGC", "-Djavelin.jit.check=false")).doesNotContain("strip mining").contains("product ok");
        assertThat(runProbe("-XX:TieredStopAtLevel=1")).contains("WARNING", "below C2 (TieredStopAtLevel=1)", "product ok");
    }

    private static String runProbe(String... jvmOptions) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector"));
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Probe.class.getName()));
        // the output goes to a file, so that a hung probe fails the wait below instead of blocking a read forever
        Path log = Files.createTempFile("jit-settings-probe", ".log");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean exited = p.waitFor(60, TimeUnit.SECONDS);
            if (!exited) p.destroyForcibly();
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(exited).as(out).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            return out;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** A process whose only work is one small product, so the micro-kernels' class initialises. */
    static final class Probe {
        public static void main(String[] args) {
            try (Arena arena = Arena.ofConfined(); ComputePool pool = ComputePool.create(1)) {
                Tensor a = Tensor.of(arena, new float[] {1, 2, 3, 4}, 2, 2);
                Tensor c = Tensor.allocate(arena, 2, 2);
                MatMul.matmul(a, a, c, pool);
                System.out.println(c.toArray()[3] == 22f ? "product ok" : "wrong product");
            }
        }
    }
}
