package dev.javelin.batch;

import java.io.IOException;
import java.nio.file.Path;

/** Reads an input file's records in order; a record that cannot be used comes back marked bad, not thrown. */
public interface RowReader extends AutoCloseable {

    /** The next record, or null at the end of the file. */
    InputRow next() throws IOException;

    /** Records in the file, or an estimate where counting exactly would mean parsing it twice; -1 if unknown. */
    long estimatedRows() throws IOException;

    @Override
    void close() throws IOException;

    static RowReader open(Path file, Format format, Columns columns) throws IOException {
        return switch (format) {
            case JSONL -> new JsonLinesReader(file, columns);
            case CSV, TSV -> new DelimitedReader(file, format, columns);
            case PARQUET -> new ParquetRowReader(file, columns);
        };
    }
}
