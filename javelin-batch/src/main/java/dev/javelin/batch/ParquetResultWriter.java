package dev.javelin.batch;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;

/** Parquet, Snappy-compressed, written through a {@link LocalOutputFile} (no Hadoop file system). */
final class ParquetResultWriter implements ResultWriter {
    private final ParquetWriter<Group> out;
    private final SimpleGroupFactory rows;
    private final OutputSchema schema;

    ParquetResultWriter(Path path, OutputSchema schema) throws IOException {
        this.schema = schema;
        this.rows = new SimpleGroupFactory(schema.parquet());
        this.out = ExampleParquetWriter.builder(new LocalOutputFile(path))
                .withConf(new PlainParquetConfiguration())
                .withType(schema.parquet())
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .build();
    }

    @Override
    public void write(Result result) throws IOException {
        Group row = rows.newGroup();
        if (schema.rowNumbers()) row.append(schema.idColumn(), Long.parseLong(result.id()));
        else row.append(schema.idColumn(), result.id());
        switch (result) {
            case Result.Embedding e -> {
                Group list = row.addGroup("embedding");
                for (float v : e.vector()) list.addGroup("list").append("element", v);
            }
            case Result.Classification c -> row.append("label", c.label()).append("score", c.score());
            case Result.Relevance r -> row.append("score", r.score());
        }
        out.write(row);
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
