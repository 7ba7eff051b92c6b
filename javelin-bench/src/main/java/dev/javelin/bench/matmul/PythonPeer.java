package dev.javelin.bench.matmul;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The NumPy and PyTorch rows: {@code matmul_peer.py}, a resource of this module, run by every
 * Python on the machine that can: the {@code python3} on {@code PATH} (often a current NumPy 2.x
 * with its own OpenBLAS) and Debian's {@code /usr/bin/python3}, each row labelled with where it came
 * from, so the table always holds the strongest NumPy the machine has.
 */
final class PythonPeer implements AutoCloseable {
    static final Path DEBIAN_PYTHON = Path.of("/usr/bin/python3");
    /**
     * Machines set these for old OpenBLAS builds that misdetect new CPUs (e.g. Debian's 0.3.21 on
     * Zen 4 or 5, pinned to the Haswell kernel). A current OpenBLAS detects the CPU itself, so the
     * PATH interpreter runs without them; its product is still checked against a float64 reference
     * before any time counts, and each row prints the kernel OpenBLAS actually ran.
     */
    static final List<String> OPENBLAS_PINS = List.of("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE");

    /** One interpreter: its path, the label suffix and whether the OpenBLAS pins are lifted for it. */
    record Interpreter(Path python, String origin, boolean unpinned) {}

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

    /** The interpreters to try, strongest candidate first; the same binary is listed once. */
    static List<Interpreter> interpreters() {
        List<Interpreter> found = new ArrayList<>();
        Path onPath = onPath("python3");
        Path debian = Files.isExecutable(DEBIAN_PYTHON) ? DEBIAN_PYTHON : null;
        if (onPath != null && !sameFile(onPath, debian)) found.add(new Interpreter(onPath, "python3 on PATH", true));
        if (debian != null) found.add(new Interpreter(debian, "Debian " + DEBIAN_PYTHON, false));
        return found;
    }

    private static Path onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String d : path.split(java.io.File.pathSeparator)) {
            if (d.isEmpty()) continue;
            Path p = Path.of(d, name);
            if (Files.isExecutable(p) && !Files.isDirectory(p)) return p;
        }
        return null;
    }

    private static boolean sameFile(Path a, Path b) {
        if (a == null || b == null) return false;
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    List<String> command(Interpreter python, String impl, int n, int threads) {
        return List.of(python.python().toString(), script.toString(), impl, Integer.toString(n), Integer.toString(threads));
    }

    /**
     * The child's environment changes: every BLAS reads its own thread variable, and only when it
     * loads, so all are set up front; the OpenBLAS pins are removed (an empty value) for an
     * unpinned interpreter.
     */
    static Map<String, String> environment(Interpreter python, int threads) {
        String t = Integer.toString(threads);
        Map<String, String> env = new HashMap<>(Map.of("OMP_NUM_THREADS", t, "OPENBLAS_NUM_THREADS", t, "MKL_NUM_THREADS", t,
                "BLIS_NUM_THREADS", t, "VECLIB_MAXIMUM_THREADS", t));
        if (python.unpinned()) {
            for (String pin : OPENBLAS_PINS) env.put(pin, null);
        }
        return env;
    }

    @Override
    public void close() throws IOException {
        Files.deleteIfExists(script);
        Files.deleteIfExists(dir);
    }
}
