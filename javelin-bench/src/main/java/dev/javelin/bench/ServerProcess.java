package dev.javelin.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code javelin serve} in its own process on a free loopback port: launched through the repository's
 * launcher, timed from launch to its first healthy answer, its resident memory read from /proc, and
 * stopped with SIGTERM.
 */
final class ServerProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;
    private final long coldStartMillis;

    private ServerProcess(Process process, int port, Path log, long coldStartMillis) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.coldStartMillis = coldStartMillis;
    }

    /** Launches {@code launcher serve --hostname 127.0.0.1 --port <free> <args>} and waits until healthy. */
    static ServerProcess start(Path launcher, List<String> args, Duration timeout) throws IOException, InterruptedException {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(launcher.toString(), "serve", "--hostname", "127.0.0.1",
                "--port", Integer.toString(port)));
        command.addAll(args);
        Path log = Files.createTempFile("javelin-serve-", ".log");
        long launched = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = launched + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("the server exited with " + process.exitValue() + ": " + Files.readString(log));
            }
            try {
                if (client.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    long coldStart = (System.nanoTime() - launched) / 1_000_000;
                    return new ServerProcess(process, port, log, coldStart);
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(10);
        }
        process.destroyForcibly();
        throw new IOException("the server was not healthy within " + timeout.toSeconds() + " s: " + Files.readString(log));
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    long pid() {
        return process.pid();
    }

    /** Launch to first 200 from /health, in milliseconds. */
    long coldStartMillis() {
        return coldStartMillis;
    }

    /** What the server printed. */
    String log() throws IOException {
        return Files.readString(log);
    }

    /** Resident set size of the server process (VmRSS), in MiB. */
    double rssMegabytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        }
        throw new IOException("no VmRSS for process " + process.pid());
    }

    /** SIGTERM, then the exit status (the server drains in-flight requests first). */
    int stop(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
        return process.exitValue();
    }

    @Override
    public void close() throws IOException {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        Files.deleteIfExists(log);
    }
}
