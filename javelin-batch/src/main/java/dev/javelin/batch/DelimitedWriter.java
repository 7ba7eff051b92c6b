package dev.javelin.batch;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/** CSV or TSV; an embedding is one field holding its JSON array, which spreadsheet and pandas users parse with one call. */
final class DelimitedWriter implements ResultWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CSVPrinter out;

    DelimitedWriter(Path path, Format format, OutputSchema schema, boolean header) throws IOException {
        BufferedWriter w = Files.newBufferedWriter(path, StandardCharsets.UTF_8);
        CSVFormat.Builder dialect = DelimitedReader.dialect(format).builder().setSkipHeaderRecord(false).setRecordSeparator('\n');
        this.out = new CSVPrinter(w, header ? dialect.setHeader(schema.names().toArray(String[]::new)).get()
                : dialect.setHeader((String[]) null).get());
    }

    @Override
    public void write(Result result) throws IOException {
        switch (result) {
            case Result.Embedding e -> out.printRecord(e.id(), JSON.writeValueAsString(e.vector()));
            case Result.Classification c -> out.printRecord(c.id(), c.label(), Float.toString(c.score()));
            case Result.Relevance r -> out.printRecord(r.id(), Float.toString(r.score()));
        }
    }

    @Override
    public void close() throws IOException {
        out.close(true);
    }
}
