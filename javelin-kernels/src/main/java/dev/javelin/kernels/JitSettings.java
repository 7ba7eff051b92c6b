package dev.javelin.kernels;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;

/**
 * The one JIT setting the micro-kernels depend on: C2's loop strip mining (a counted loop keeps its
 * safepoint poll in an outer loop, every {@code LoopStripMiningIter} iterations). G1, the JVM's
 * default collector, turns it on, as do ZGC and Shenandoah; SerialGC and ParallelGC leave it off,
 * and the JVM picks SerialGC by itself on a machine with one CPU or under 1792 MB of memory, such
 * as a small container. Without it C2 schedules the AVX2 tile's six broadcasts of A ahead of its
 * FMAs, runs out of the 16 vector registers and keeps four accumulators on the stack, where every
 * step reloads and stores them: the tile ran 2.3× slower on a Zen 3, and all-MiniLM-L6-v2 on one
 * CPU 1.5× slower at b32x128 (docs/kernels.md, stop 32). The launcher passes the flags itself; an
 * application embedding the engine gets this warning, once, naming them.
 */
final class JitSettings {
    private JitSettings() {}

    /** Set to false to skip the check (the launcher does: it passes the flags, and the query loads ~400 classes, ~40 ms of a cold start). */
    private static final String CHECK_PROPERTY = "javelin.jit.check";

    /** Logs a warning when this JVM compiles without loop strip mining. */
    static void check() {
        if (!Boolean.parseBoolean(System.getProperty(CHECK_PROPERTY, "true"))) return;
        String warning;
        try {
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            warning = warning(vm.getVMOption("UseCountedLoopSafepoints").getValue(),
                    vm.getVMOption("LoopStripMiningIter").getValue());
        } catch (RuntimeException notHotSpot) {
            return; // another JVM (or C2 left out): these flags do not exist there, and nothing is known of its loops
        }
        if (warning != null) System.getLogger(JitSettings.class.getName()).log(System.Logger.Level.WARNING, warning);
    }

    /** The warning for these values of the two HotSpot flags, or null when the loops are strip-mined. */
    static String warning(String useCountedLoopSafepoints, String loopStripMiningIter) {
        long iterations;
        try {
            iterations = Long.parseLong(loopStripMiningIter);
        } catch (NumberFormatException e) {
            return null;
        }
        if (Boolean.parseBoolean(useCountedLoopSafepoints) && iterations > 1) return null;
        return "this JVM compiles loops without strip mining (UseCountedLoopSafepoints=" + useCountedLoopSafepoints
                + ", LoopStripMiningIter=" + loopStripMiningIter + ", as under SerialGC or ParallelGC; the JVM picks"
                + " SerialGC itself with one CPU or under 1792 MB of memory): Javelin's matrix kernels then spill"
                + " vector registers and run up to 2x slower. Start the JVM with -XX:+UseCountedLoopSafepoints"
                + " -XX:LoopStripMiningIter=1000 (or with G1: -XX:+UseG1GC)";
    }
}
