package dev.javelin.kernels;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The JIT settings the micro-kernels depend on, checked once when they initialise.
 *
 * <p>They need C2: C1 and the interpreter run each Vector API operation on a boxed vector, and the
 * 256² product ran at 0.1 GFLOP/s under {@code -XX:TieredStopAtLevel=1} (a setting IDE run
 * configurations use for a fast start) against 52–68 with C2, on a Zen 3.
 *
 * <p>And they need C2's loop strip mining (a counted loop keeps its safepoint poll in an outer loop,
 * every {@code LoopStripMiningIter} iterations). G1, the JVM's default collector, turns it on, as do
 * ZGC and Shenandoah; SerialGC and ParallelGC leave it off, and the JVM picks SerialGC by itself on
 * a machine with one CPU or under 1792 MB of memory, such as a small container. Without it C2
 * schedules the AVX2 tile's six broadcasts of A ahead of its FMAs, runs out of the 16 vector
 * registers and keeps four accumulators on the stack, where every step reloads and stores them: the
 * tile ran 2.3× slower on a Zen 3, and all-MiniLM-L6-v2 on one CPU 1.5× slower at b32x128
 * (docs/kernels.md, stop 32).
 *
 * <p>The launcher passes what is needed; an application embedding the engine gets one warning that
 * names the fix.
 */
final class JitSettings {
    private JitSettings() {}

    /** Set to false to skip the check (the launcher does: it passes the flags, and the query loads ~400 classes, ~40 ms of a cold start). */
    private static final String CHECK_PROPERTY = "javelin.jit.check";
    /** The HotSpot flags {@link #warning} reads. */
    static final List<String> FLAGS = List.of("UseCompiler", "TieredCompilation", "TieredStopAtLevel",
            "UseCountedLoopSafepoints", "LoopStripMiningIter");

    /** Logs a warning when this JVM runs the kernels without C2 or without loop strip mining. */
    static void check() {
        if (!Boolean.parseBoolean(System.getProperty(CHECK_PROPERTY, "true"))) return;
        Map<String, String> flags = new HashMap<>();
        try {
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            for (String flag : FLAGS) flags.put(flag, vm.getVMOption(flag).getValue());
        } catch (RuntimeException notHotSpot) {
            return; // another JVM (or C2 left out of this one): these flags do not exist there, and nothing is known of its JIT
        }
        String warning = warning(flags);
        if (warning != null) System.getLogger(JitSettings.class.getName()).log(System.Logger.Level.WARNING, warning);
    }

    /** The warning for these values of {@link #FLAGS}, or null when the kernels get C2 with strip-mined loops. */
    static String warning(Map<String, String> flags) {
        long stopAt, iterations;
        try {
            stopAt = Long.parseLong(flags.get("TieredStopAtLevel"));
            iterations = Long.parseLong(flags.get("LoopStripMiningIter"));
        } catch (NumberFormatException e) {
            return null;
        }
        if (!Boolean.parseBoolean(flags.get("UseCompiler"))) {
            return "this JVM runs interpreted only (-Xint): Javelin's kernels then run about a thousand times slower."
                    + " Start the JVM without -Xint";
        }
        if (Boolean.parseBoolean(flags.get("TieredCompilation")) && stopAt < 4) {
            return "this JVM stops its JIT below C2 (TieredStopAtLevel=" + stopAt + "): Javelin's kernels then run on boxed"
                    + " vectors, hundreds of times slower (a 256x256 product: 0.1 GFLOP/s against 52-68 with C2)."
                    + " Start the JVM without -XX:TieredStopAtLevel";
        }
        String safepoints = flags.get("UseCountedLoopSafepoints");
        if (Boolean.parseBoolean(safepoints) && iterations > 1) return null;
        return "this JVM compiles loops without strip mining (UseCountedLoopSafepoints=" + safepoints
                + ", LoopStripMiningIter=" + iterations + ", as under SerialGC or ParallelGC; the JVM picks"
                + " SerialGC itself with one CPU or under 1792 MB of memory): Javelin's matrix kernels then spill"
                + " vector registers and run up to 2x slower. Start the JVM with -XX:+UseCountedLoopSafepoints"
                + " -XX:LoopStripMiningIter=1000 (or with G1: -XX:+UseG1GC)";
    }
}
