package dev.javelin.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A measurement running in its own process, so each benchmark row gets its own heap, JIT state and
 * peak-memory figure. Parent and child talk in JSON lines: the child answers each command line on
 * stdin with one JSON object on stdout; its stderr goes to ours (minus the JDK's incubator-module
 * warning). Keeping children alive between commands lets a benchmark interleave its rows in
 * rounds, so load from other processes on a shared machine hits every row alike.
 */
public final class ChildProcess implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final Process process;
    private final Writer stdin;
    private final BufferedReader stdout;

    /** Thrown when the child cannot be started, fails, or answers with an error. */
    public static final class ChildFailedException extends IOException {
        public ChildFailedException(String message) {
            super(message);
        }
    }

    private ChildProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Thread.ofPlatform().daemon().name(name + "-stderr").start(this::forwardStderr);
    }

    /**
     * Starts {@code command} with changed environment variables (a null value removes one);
     * {@code name} labels its errors.
     */
    public static ChildProcess start(String name, List<String> command, Map<String, String> env) throws ChildFailedException {
        ProcessBuilder pb = new ProcessBuilder(command);
        env.forEach((k, v) -> {
            if (v == null) {
                pb.environment().remove(k);
            } else {
                pb.environment().put(k, v);
            }
        });
        try {
            return new ChildProcess(name, pb.start());
        } catch (IOException e) {
            throw new ChildFailedException(name + ": cannot start " + command.getFirst() + ": " + e.getMessage());
        }
    }

    /**
     * A command line running {@code mainClass} in a new JVM configured like this one: same java
     * binary, class path and JVM options (minus agents and recordings, which are per-process).
     */
    public static List<String> javaCommand(Class<?> mainClass, List<String> args) {
        return javaCommand(mainClass, List.of(), args);
    }

    /** The same, with {@code jvmOptions} after this JVM's own (so that e.g. a child's -Xmx wins). */
    public static List<String> javaCommand(Class<?> mainClass, List<String> jvmOptions, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String opt : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (opt.startsWith("-agentlib") || opt.startsWith("-javaagent") || opt.startsWith("-XX:StartFlightRecording")
                    || opt.startsWith("-Djava.class.path")) {
                continue;
            }
            cmd.add(opt);
        }
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass.getName());
        cmd.addAll(args);
        return cmd;
    }

    /** Sends one command line and returns the child's JSON answer. */
    public JsonNode request(String command) throws IOException {
        try {
            stdin.write(command + "\n");
            stdin.flush();
        } catch (IOException e) {
            throw new ChildFailedException(name + " is gone (" + e.getMessage() + ")");
        }
        return answer();
    }

    /** The next JSON answer of the child (e.g. the one it prints unasked when ready). */
    public JsonNode answer() throws IOException {
        String line;
        do {
            line = stdout.readLine();
        } while (line != null && line.isBlank());
        if (line == null) {
            int rc;
            try {
                rc = process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                rc = -1;
            }
            throw new ChildFailedException(name + " exited with status " + rc + " without an answer");
        }
        JsonNode r;
        try {
            r = JSON.readTree(line);
        } catch (IOException e) {
            throw new ChildFailedException(name + " printed something other than JSON: " + line);
        }
        if (r.has("error")) throw new ChildFailedException(name + ": " + r.get("error").asText());
        return r;
    }

    /** Closes the child's input, which tells it to finish, and returns its last answer. */
    public JsonNode finish() throws IOException {
        stdin.close();
        return answer();
    }

    @Override
    public void close() {
        try {
            stdin.close();
        } catch (IOException ignored) {
            // already gone
        }
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private void forwardStderr() {
        try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = err.readLine()) != null; ) {
                if (!line.startsWith("WARNING: Using incubator modules")) System.err.println("  " + name + " | " + line);
            }
        } catch (IOException ignored) {
            // the child went away; its exit status tells the story
        }
    }

    /** Peak resident set of this process in MiB (Linux VmHWM), or -1 where /proc is unavailable. */
    public static double peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) / 1024.0;
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux: no figure
        }
        return -1;
    }
}
