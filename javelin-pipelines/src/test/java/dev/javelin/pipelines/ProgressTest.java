package dev.javelin.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Progress as plain lines (stderr not a terminal). */
class ProgressTest {
    @Test
    void aLogShowsTheStartThenTheFinalStateOnce() throws InterruptedException {
        List<String> lines = new CopyOnWriteArrayList<>();
        try (Progress p = new Progress("embed", "rows", 300, 0, lines::add)) {
            awaitFirstLine(lines);
            p.advance(100);
            p.advance(200);
        }
        assertThat(lines).hasSize(2);
        assertThat(lines.getFirst()).contains("embed", "0%", "0/300 rows");
        assertThat(lines.getLast()).contains("embed", "100%", "300/300 rows");
    }

    @Test
    void aResumedJobStartsFromTheRowsAlreadyDone() throws InterruptedException {
        List<String> lines = new CopyOnWriteArrayList<>();
        try (Progress p = new Progress("classify", "rows", 300, 120, lines::add)) {
            awaitFirstLine(lines);
            p.advance(180);
        }
        assertThat(lines.getFirst()).contains("40%", "120/300 rows");
        assertThat(lines.stream().filter(l -> l.contains("100%"))).hasSize(1);
    }

    /** The bar draws its first line on its own thread as it starts. */
    private static void awaitFirstLine(List<String> lines) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (lines.isEmpty() && System.nanoTime() < deadline) Thread.sleep(5);
        assertThat(lines).as("the first line").hasSize(1);
    }
}
