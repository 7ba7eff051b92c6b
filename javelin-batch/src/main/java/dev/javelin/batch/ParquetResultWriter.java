package dev.javelin.batch;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;

/** Parquet, Snappy-compressed, dictionary-encoded only where values repeat, written through a {@link LocalOutputFile} (no Hadoop file system). */
final class ParquetResultWriter implements ResultWriter {
    private final ParquetWriter<Result> out;

    ParquetResultWriter(Path path, OutputSchema schema) throws IOException {
        this.out = new Builder(new LocalOutputFile(path), schema)
                .withConf(new PlainParquetConfiguration())
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                // Ids and model outputs are (nearly) all distinct: a dictionary would be built and
                // dropped for every page, costing the job CPU. Only class labels repeat.
                .withDictionaryEncoding(false)
                .withDictionaryEncoding("label", true)
                .build();
    }

    @Override
    public void write(Result result) throws IOException {
        out.write(result);
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    private static final class Builder extends ParquetWriter.Builder<Result, Builder> {
        private final OutputSchema schema;

        Builder(OutputFile file, OutputSchema schema) {
            super(file);
            this.schema = schema;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<Result> getWriteSupport(org.apache.hadoop.conf.Configuration conf) {
            return new ResultWriteSupport(schema);
        }

        @Override
        protected WriteSupport<Result> getWriteSupport(ParquetConfiguration conf) {
            return new ResultWriteSupport(schema);
        }
    }
}
