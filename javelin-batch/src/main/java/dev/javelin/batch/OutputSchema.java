package dev.javelin.batch;

import java.util.List;

/**
 * The output's columns: the input's id (a string) or the row number (an integer), then the task's
 * result: {@code embedding} (a list of floats), {@code label} and {@code score}, or {@code score}.
 * ({@link ParquetSchema} gives its Parquet form, apart so that the Parquet jars stay optional.)
 */
public record OutputSchema(Task task, String idColumn, boolean rowNumbers) {

    public static OutputSchema of(Task task, Columns columns) {
        return new OutputSchema(task, columns.idOut(), columns.id() == null);
    }

    /** Column names in order. */
    public List<String> names() {
        return switch (task) {
            case EMBED -> List.of(idColumn, "embedding");
            case CLASSIFY -> List.of(idColumn, "label", "score");
            case RERANK -> List.of(idColumn, "score");
        };
    }
}
