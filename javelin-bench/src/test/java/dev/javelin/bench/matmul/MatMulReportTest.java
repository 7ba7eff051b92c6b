package dev.javelin.bench.matmul;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MatMulReportTest {
    private static final List<MatMulRow> ROWS = List.of(
            new MatMulRow("java-naive", "naive Java triple loop", 1, 256, 0.05, 3, 64),
            new MatMulRow("javelin", "Javelin", 2, 256, 0.0005, 25, 200),
            new MatMulRow("numpy", "NumPy 1.24.2", 2, 256, 0.0004, 25, 35));

    @Test
    void jsonHasExactlyTheDocumentedFields(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("out.json");
        MatMulReport.writeJson(file, 203.5, ROWS);
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        assertThat(root.properties()).extracting(e -> e.getKey()).containsExactly("peak_gflops", "results");
        assertThat(root.get("peak_gflops").asDouble()).isEqualTo(203.5);
        JsonNode javelin = root.get("results").get(1);
        assertThat(javelin.properties()).extracting(e -> e.getKey())
                .containsExactly("impl", "threads", "n", "seconds", "gflops", "speedup_vs_naive", "peak_rss_mb");
        assertThat(javelin.get("impl").asText()).isEqualTo("javelin");
        assertThat(javelin.get("gflops").asDouble()).isCloseTo(2.0 * 256 * 256 * 256 / 0.0005 / 1e9, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(javelin.get("speedup_vs_naive").asDouble()).isCloseTo(100.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void tableHasTheDocumentedColumnsAndPercentOfPeakPerThread() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        MatMulReport.printTable(new PrintStream(bytes, true, StandardCharsets.UTF_8), 256, ROWS, 100, List.of("a note"));
        String table = bytes.toString(StandardCharsets.UTF_8);
        assertThat(table).contains("| implementation | threads | time | GFLOP/s | speed-up vs naive loops | % peak | peak memory |");
        // Javelin: 67.1 GFLOP/s on 2 threads of a 100 GFLOP/s-per-thread machine is 34% of peak
        assertThat(table).contains("| Javelin | 2 | 500.0 µs | 67.1 | 100× | 34% | 200 MB |");
        assertThat(table).contains("- a note");
    }

    @Test
    void plotIsAPng(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("plot.png");
        MatMulReport.writePlot(file, ROWS);
        byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(file), 8);
        assertThat(head).containsExactly(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A);
    }
}
