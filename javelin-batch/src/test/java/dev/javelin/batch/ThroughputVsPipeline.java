package dev.javelin.batch;

import dev.javelin.engine.ModelSpec;
import dev.javelin.pipelines.EmbeddingsPipeline;
import dev.javelin.pipelines.Pipelines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark (run by hand, not a test): the batch job against the in-process pipeline on the same
 * texts, alternating rounds in one JVM, medians. Args: a JSON lines file with "text", rounds.
 */
final class ThroughputVsPipeline {
    private ThroughputVsPipeline() {
    }

    public static void main(String[] args) throws Exception {
        Path input = Path.of(args[0]);
        int rounds = Integer.parseInt(args[1]);
        List<String> texts = new ArrayList<>();
        try (RowReader r = RowReader.open(input, Format.JSONL, Columns.DEFAULT)) {
            for (InputRow row; (row = r.next()) != null; ) texts.add(row.text());
        }
        double[] pipeline = new double[rounds], batch = new double[rounds];
        try (EmbeddingsPipeline p = Pipelines.embeddings((String) null); RowModel m = RowModel.load(Task.EMBED, ModelSpec.DEFAULT, 16384)) {
            p.embed(texts.subList(0, 256));
            for (int i = 0; i < rounds; i++) {
                long t0 = System.nanoTime();
                p.embed(texts);
                pipeline[i] = texts.size() / ((System.nanoTime() - t0) / 1e9);
                Path out = Files.createTempDirectory("throughput").resolve("out.parquet");
                BatchOptions o = new BatchOptions(Task.EMBED, input, Format.JSONL, out, Format.PARQUET, BatchOptions.defaultBadRows(out),
                        Columns.DEFAULT, null, BatchOptions.DEFAULT_CHUNK_ROWS, false);
                long t1 = System.nanoTime();
                new BatchJob(o, m).run();
                batch[i] = texts.size() / ((System.nanoTime() - t1) / 1e9);
                System.out.printf(Locale.ROOT, "round %d: pipeline %.1f texts/s, batch %.1f rows/s (%.1f%%)%n",
                        i + 1, pipeline[i], batch[i], 100 * batch[i] / pipeline[i]);
            }
        }
        Arrays.sort(pipeline);
        Arrays.sort(batch);
        System.out.printf(Locale.ROOT, "median: pipeline %.1f texts/s, batch %.1f rows/s, batch/pipeline %.1f%% (%d texts, %d cores)%n",
                pipeline[rounds / 2], batch[rounds / 2], 100 * batch[rounds / 2] / pipeline[rounds / 2], texts.size(),
                Runtime.getRuntime().availableProcessors());
    }
}
