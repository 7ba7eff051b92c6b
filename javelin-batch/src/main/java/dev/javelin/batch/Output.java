package dev.javelin.batch;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.io.LocalOutputFile;

/**
 * A job's output file while the job runs: committed chunk files are appended to it one by one, as
 * they are committed, so the output is complete the moment the last chunk is. Appending copies
 * bytes: text chunks verbatim, Parquet chunks as row groups, undecoded.
 */
abstract sealed class Output implements AutoCloseable {
    private final Path file;

    private Output(Path file) {
        this.file = file;
    }

    /** Creates {@code file} (replacing any), with a delimited format's header line. */
    static Output start(Path file, Format format, OutputSchema schema) throws IOException {
        return format == Format.PARQUET ? new Parquet(file, schema) : new Text(file, format, schema);
    }

    Path file() {
        return file;
    }

    /** Appends one committed chunk file of the same format. */
    abstract void append(Path chunk) throws IOException;

    /** Completes the file (a Parquet footer) and closes it. */
    abstract void finish() throws IOException;

    /** Closes the file without completing it: the job stopped early, and a re-run rebuilds it. */
    @Override
    public abstract void close() throws IOException;

    private static final class Text extends Output {
        private final FileChannel out;

        Text(Path file, Format format, OutputSchema schema) throws IOException {
            super(file);
            // The header is the file's first line; chunks carry none.
            if (format != Format.JSONL) ResultWriter.writeAll(file, format, schema, true, List.of());
            this.out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    format == Format.JSONL ? StandardOpenOption.TRUNCATE_EXISTING : StandardOpenOption.APPEND);
            out.position(out.size());
        }

        @Override
        void append(Path chunk) throws IOException {
            try (FileChannel in = FileChannel.open(chunk, StandardOpenOption.READ)) {
                long size = in.size();
                for (long done = 0; done < size; ) done += in.transferTo(done, size - done, out);
            }
        }

        @Override
        void finish() throws IOException {
            out.close();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    private static final class Parquet extends Output {
        private final ParquetFileWriter out;

        Parquet(Path file, OutputSchema schema) throws IOException {
            super(file);
            this.out = new ParquetFileWriter(new LocalOutputFile(file), ParquetSchema.of(schema), ParquetFileWriter.Mode.OVERWRITE,
                    ParquetWriter.DEFAULT_BLOCK_SIZE, ParquetWriter.MAX_PADDING_SIZE_DEFAULT);
            out.start();
        }

        @Override
        void append(Path chunk) throws IOException {
            out.appendFile(new ChannelInputFile(chunk));
        }

        /** Writes the footer, which lists every row group appended, in an order that does not depend on the process. */
        @Override
        void finish() throws IOException {
            out.end(new HashMap<>());
            CanonicalFooter.apply(file());
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
