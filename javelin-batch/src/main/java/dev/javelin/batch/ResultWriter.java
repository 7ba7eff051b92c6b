package dev.javelin.batch;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Writes result rows to one file of a format. */
interface ResultWriter extends AutoCloseable {

    void write(Result result) throws IOException;

    @Override
    void close() throws IOException;

    /** @param header whether a delimited file starts with its header line (chunks do not; the merged output does) */
    static ResultWriter open(Path file, Format format, OutputSchema schema, boolean header) throws IOException {
        return switch (format) {
            case JSONL -> new JsonLinesWriter(file, schema);
            case CSV, TSV -> new DelimitedWriter(file, format, schema, header);
            case PARQUET -> new ParquetResultWriter(file, schema);
        };
    }

    static void writeAll(Path file, Format format, OutputSchema schema, boolean header, List<? extends Result> results)
            throws IOException {
        try (ResultWriter w = open(file, format, schema, header)) {
            for (Result r : results) w.write(r);
        }
    }
}
