package dev.javelin.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs one measurement in a child process, so each row of a benchmark gets its own heap, JIT state
 * and peak-memory figure. The child prints one JSON object as its last line of stdout; its stderr
 * goes to ours (minus the JDK's incubator-module warning).
 */
public final class ChildProcess {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ChildProcess() {}

    /** Thrown when the child cannot be started, fails, or prints no result. */
    public static final class ChildFailedException extends IOException {
        public ChildFailedException(String message) {
            super(message);
        }
    }

    /**
     * A command line running {@code mainClass} in a new JVM configured like this one: same java
     * binary, class path and JVM options (minus agents and recordings, which are per-process).
     */
    public static List<String> javaCommand(Class<?> mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String opt : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (opt.startsWith("-agentlib") || opt.startsWith("-javaagent") || opt.startsWith("-XX:StartFlightRecording")
                    || opt.startsWith("-Djava.class.path")) {
                continue;
            }
            cmd.add(opt);
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass.getName());
        cmd.addAll(args);
        return cmd;
    }

    /** Runs {@code command} with extra environment variables and returns its JSON result. */
    public static JsonNode run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.PIPE);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new ChildFailedException("cannot start " + command.getFirst() + ": " + e.getMessage());
        }
        p.getOutputStream().close();
        Thread errPump = Thread.ofPlatform().daemon().start(() -> forwardStderr(p));
        String last = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (!line.isBlank()) last = line;
            }
        } finally {
            if (p.isAlive()) p.destroy();
        }
        int rc = p.waitFor();
        errPump.join(1000);
        if (last == null) {
            throw new ChildFailedException(String.join(" ", command.subList(0, Math.min(3, command.size())))
                    + "… exited with status " + rc + " and printed no result");
        }
        JsonNode result;
        try {
            result = JSON.readTree(last);
        } catch (IOException e) {
            throw new ChildFailedException("child printed no JSON result (status " + rc + "), last line: " + last);
        }
        if (rc != 0 && !result.has("error")) {
            throw new ChildFailedException("child exited with status " + rc + ": " + last);
        }
        return result;
    }

    private static void forwardStderr(Process p) {
        try (BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = err.readLine()) != null; ) {
                if (!line.startsWith("WARNING: Using incubator modules")) System.err.println("  | " + line);
            }
        } catch (IOException ignored) {
            // the child went away; its exit status tells the story
        }
    }

    /** Peak resident set of this process in MiB (Linux VmHWM), or -1 where /proc is unavailable. */
    public static double peakRssMb() {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    String kb = line.substring(6).trim().split("\\s+")[0];
                    return Long.parseLong(kb) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux: no figure
        }
        return -1;
    }
}
