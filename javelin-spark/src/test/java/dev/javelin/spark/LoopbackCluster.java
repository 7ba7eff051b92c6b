package dev.javelin.spark;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Spark standalone cluster on loopback, each daemon its own JVM started from the Spark jars: a
 * Master and N Workers with one core each. Workers launch executors the way a real installation
 * does, from a SPARK_HOME; here it is a directory whose {@code jars/} links to this test's class
 * path, so the executors see the same Spark and Javelin classes as the driver.
 */
final class LoopbackCluster implements AutoCloseable {
    private final Path home;
    private final int port;
    private final Process master;
    private final List<Process> workers = new ArrayList<>();

    LoopbackCluster(Path dir, int workers, List<String> jvmOptions) throws IOException {
        this.home = dir.resolve("spark-home");
        Path jars = Files.createDirectories(home.resolve("jars"));
        Files.writeString(home.resolve("RELEASE"), "Spark 4.2.0 (jars linked from the javelin-spark test class path)\n");
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry);
            // Class directories (this module's own) cannot sit in jars/*; see classDirectories().
            if (Files.isRegularFile(p)) Files.createSymbolicLink(jars.resolve(String.format("%04d-%s", n++, p.getFileName())), p);
        }
        this.port = freePort();
        this.master = start(dir.resolve("master.log"), jvmOptions, "org.apache.spark.deploy.master.Master",
                "--host", "127.0.0.1", "--port", Integer.toString(port), "--webui-port", Integer.toString(freePort()));
        for (int i = 0; i < workers; i++) {
            Path work = Files.createDirectories(dir.resolve("worker-" + i));
            this.workers.add(start(dir.resolve("worker-" + i + ".log"), jvmOptions, "org.apache.spark.deploy.worker.Worker",
                    "--host", "127.0.0.1", "--cores", "1", "--memory", "1536m", "--webui-port", Integer.toString(freePort()),
                    "--work-dir", work.toString(), url()));
        }
    }

    /** The class path's directories, for {@code spark.executor.extraClassPath}. */
    static String classDirectories() {
        List<String> dirs = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (Files.isDirectory(Path.of(entry))) dirs.add(entry);
        }
        return String.join(java.io.File.pathSeparator, dirs);
    }

    String url() {
        return "spark://127.0.0.1:" + port;
    }

    /** Peak resident memory (VmHWM, MiB) of each executor JVM the workers have started, for the record. */
    List<Long> executorPeakRssMiB() throws IOException {
        List<Long> out = new ArrayList<>();
        for (Process w : workers) {
            for (ProcessHandle e : w.descendants().toList()) {
                Path status = Path.of("/proc", Long.toString(e.pid()), "status");
                if (!Files.isReadable(status)) continue;
                for (String line : Files.readAllLines(status)) {
                    if (line.startsWith("VmHWM:")) out.add(Long.parseLong(line.replaceAll("\\D", "")) / 1024);
                }
            }
        }
        return out;
    }

    /** SIGKILL: the worker gets no chance to hand anything over; its executor notices and exits. */
    void killWorker(int i) throws InterruptedException {
        Process w = workers.get(i);
        w.descendants().forEach(ProcessHandle::destroyForcibly);
        w.destroyForcibly();
        w.waitFor();
    }

    private Process start(Path log, List<String> jvmOptions, String main, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-Xmx512m");
        cmd.add("-cp");
        cmd.add(home.resolve("jars") + "/*");
        cmd.add(main);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("SPARK_HOME", home.toString());
        env.put("SPARK_SCALA_VERSION", "2.13");
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        return pb.start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (int i = 0; i < workers.size(); i++) killWorker(i);
        master.destroyForcibly();
        master.waitFor();
    }
}
