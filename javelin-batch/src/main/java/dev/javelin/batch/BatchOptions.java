package dev.javelin.batch;

import java.nio.file.Path;

/**
 * One batch job.
 *
 * @param badRows    the side file for rows that cannot be used (JSON lines: line and reason)
 * @param chunkRows  input records per committed chunk: what a kill can cost at most
 * @param failFast   stop at the first bad row instead of setting it aside
 */
public record BatchOptions(Task task, Path input, Format inputFormat, Path output, Format outputFormat, Path badRows,
                           Columns columns, String model, int chunkRows, boolean failFast) {

    public static final int DEFAULT_CHUNK_ROWS = 1024;

    public BatchOptions {
        if (chunkRows < 1) throw new IllegalArgumentException("--chunk-rows must be positive, got " + chunkRows);
        if (input.toAbsolutePath().normalize().equals(output.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("--output must not be the input file " + input);
        }
        if ((task == Task.RERANK) != (columns.query() != null)) {
            throw new IllegalArgumentException("a query column is for rerank jobs only");
        }
        if (inputFormat == Format.PARQUET || outputFormat == Format.PARQUET) Format.requireParquetJars();
    }

    /** The side file's default name: the output's, with {@code .bad.jsonl} added. */
    public static Path defaultBadRows(Path output) {
        return output.resolveSibling(output.getFileName() + ".bad.jsonl");
    }
}
