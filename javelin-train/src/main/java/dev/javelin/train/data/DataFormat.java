package dev.javelin.train.data;

import java.nio.file.Path;
import java.util.Locale;

/** The tabular text formats a dataset may come in. */
public enum DataFormat {
    /** RFC 4180 comma-separated values with a header row; fields may be quoted. */
    CSV,
    /** Tab-separated values with a header row, no quoting (as GLUE and pandas' QUOTE_NONE write them). */
    TSV,
    /** One JSON object per line. */
    JSONL;

    /** The format named by the file's extension, or null when the extension says nothing. */
    public static DataFormat fromExtension(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) {
            return CSV;
        }
        if (name.endsWith(".tsv") || name.endsWith(".tab")) {
            return TSV;
        }
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json")) {
            return JSONL;
        }
        return null;
    }
}
