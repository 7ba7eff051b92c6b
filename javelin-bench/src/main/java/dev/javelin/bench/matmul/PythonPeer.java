package dev.javelin.bench.matmul;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The NumPy and PyTorch rows: {@code matmul_peer.py}, a resource of this module, run by /usr/bin/python3. */
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

    static boolean available() {
        return Files.isExecutable(PYTHON);
    }

    List<String> command(String impl, int n, int threads) {
        return List.of(PYTHON.toString(), script.toString(), impl, Integer.toString(n), Integer.toString(threads));
    }

    /** Every BLAS reads its own variable, and only when it loads: the child gets them all up front. */
    static Map<String, String> threadEnvironment(int threads) {
        String t = Integer.toString(threads);
        return Map.of("OMP_NUM_THREADS", t, "OPENBLAS_NUM_THREADS", t, "MKL_NUM_THREADS", t,
                "BLIS_NUM_THREADS", t, "VECLIB_MAXIMUM_THREADS", t);
    }

    @Override
    public void close() throws IOException {
        Files.deleteIfExists(script);
        Files.deleteIfExists(dir);
    }
}
