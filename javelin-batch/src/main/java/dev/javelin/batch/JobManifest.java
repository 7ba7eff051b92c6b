package dev.javelin.batch;

import dev.javelin.models.WeightDType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a job's committed chunks were computed from. A re-run resumes only when everything here is
 * the same; results from another input, model or chunking must never be mixed into one output.
 */
public record JobManifest(String input, long inputBytes, long inputModifiedMillis, String task, String model, String dtype,
                          String textColumn, String idColumn, String queryColumn, String outputFormat, int chunkRows) {

    public static JobManifest of(Path input, Task task, String model, WeightDType dtype, Columns columns, Format outputFormat,
                                 int chunkRows) throws IOException {
        return new JobManifest(input.toAbsolutePath().normalize().toString(), Files.size(input),
                Files.getLastModifiedTime(input).toMillis(), task.name(), model == null ? "(default)" : model, dtype.label(),
                columns.text(), columns.id(), columns.query(), outputFormat.name(), chunkRows);
    }
}
