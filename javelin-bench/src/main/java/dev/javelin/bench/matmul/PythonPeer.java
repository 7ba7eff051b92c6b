package dev.javelin.bench.matmul;

import com.fasterxml.jackson.databind.JsonNode;
import dev.javelin.bench.ChildProcess;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The NumPy and PyTorch rows: {@code matmul_peer.py} run by /usr/bin/python3, one process per row. */
final class PythonPeer implements AutoCloseable {
    static final Path PYTHON = Path.of("/usr/bin/python3");

    private final Path dir;
    private final Path script;

    PythonPeer() throws IOException {
        dir = Files.createTempDirectory("javelin-bench-");
        script = dir.resolve("matmul_peer.py");
        try (InputStream in = PythonPeer.class.getResourceAsStream("matmul_peer.py")) {
            if (in == null) throw new IOException("matmul_peer.py missing from the bench jar");
            Files.copy(in, script);
        }
    }

    /** The row, or a reason to skip it (Python or the package is missing). */
    sealed interface Outcome {}

    record Measured(MatMulRow row, String blas, String threadNote) implements Outcome {}

    record Skipped(String reason) implements Outcome {}

    Outcome measure(String impl, int n, int threads) throws IOException, InterruptedException {
        if (!Files.isExecutable(PYTHON)) return new Skipped(PYTHON + " not found");
        String t = Integer.toString(threads);
        // Every BLAS reads its own variable, and only when it loads: set them all up front.
        Map<String, String> env = Map.of("OMP_NUM_THREADS", t, "OPENBLAS_NUM_THREADS", t, "MKL_NUM_THREADS", t,
                "BLIS_NUM_THREADS", t, "VECLIB_MAXIMUM_THREADS", t);
        JsonNode r = ChildProcess.run(List.of(PYTHON.toString(), script.toString(), impl, Integer.toString(n), t), env);
        if (r.has("error")) return new Skipped(r.get("error").asText());
        String label = r.get("version").asText();
        String blas = r.get("blas").asText();
        StringBuilder threadNote = new StringBuilder();
        if (r.hasNonNull("framework_threads")) threadNote.append("torch.get_num_threads()=").append(r.get("framework_threads").asInt());
        if (r.hasNonNull("blas_threads")) {
            if (!threadNote.isEmpty()) threadNote.append(", ");
            threadNote.append("BLAS threads=").append(r.get("blas_threads").asInt());
        }
        MatMulRow row = new MatMulRow(impl, label, threads, n, r.get("seconds").asDouble(), r.get("runs").asInt(),
                r.get("peak_rss_mb").asDouble());
        return new Measured(row, blas, threadNote.toString());
    }

    @Override
    public void close() throws IOException {
        Files.deleteIfExists(script);
        Files.deleteIfExists(dir);
    }
}
