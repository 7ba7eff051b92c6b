package dev.javelin.batch;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.schema.GroupType;

/**
 * Parquet through parquet-java's example {@link Group} model, opened as a {@link ChannelInputFile} with a
 * plain configuration: no Hadoop file system (whose security layer fails on JDK 25) is touched.
 */
final class ParquetRowReader implements RowReader {
    private final Path file;
    private final Columns columns;
    private final ParquetReader<Group> reader;
    private long index;

    ParquetRowReader(Path file, Columns columns) throws IOException {
        this.file = file;
        this.columns = columns;
        this.reader = new ParquetReader.Builder<Group>(new ChannelInputFile(file), new PlainParquetConfiguration()) {
            @Override
            protected ReadSupport<Group> getReadSupport() {
                return new GroupReadSupport();
            }
        }.build();
    }

    @Override
    public InputRow next() throws IOException {
        Group g = reader.read();
        if (g == null) return null;
        long i = index++;
        GroupType type = g.getType();
        if (!type.containsField(columns.text())) {
            throw new IOException(file + ": no '" + columns.text() + "' column (schema: " + type
                    + "); name the text column with --text-column");
        }
        return RowFields.row(i, i + 1, columns, name -> {
            if (!type.containsField(name)) return null;
            int f = type.getFieldIndex(name);
            return g.getFieldRepetitionCount(f) == 0 ? null : g.getValueToString(f, 0);
        });
    }

    @Override
    public long estimatedRows() throws IOException {
        try (ParquetFileReader r = ParquetFileReader.open(new ChannelInputFile(file))) {
            return r.getRecordCount();
        }
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
