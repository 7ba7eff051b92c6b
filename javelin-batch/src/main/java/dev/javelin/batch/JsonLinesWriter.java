package dev.javelin.batch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Path;

/** One JSON object per line; floats as their shortest exact decimal. */
final class JsonLinesWriter implements ResultWriter {
    private static final JsonFactory JSON = new JsonFactory();

    private final JsonGenerator out;
    private final OutputSchema schema;

    JsonLinesWriter(Path path, OutputSchema schema) throws IOException {
        this.out = JSON.createGenerator(new BufferedOutputStream(new FileOutputStream(path.toFile()), 1 << 16));
        this.out.setRootValueSeparator(null);
        this.schema = schema;
    }

    @Override
    public void write(Result result) throws IOException {
        out.writeStartObject();
        out.writeFieldName(schema.idColumn());
        if (schema.rowNumbers()) out.writeNumber(Long.parseLong(result.id()));
        else out.writeString(result.id());
        switch (result) {
            case Result.Embedding e -> {
                out.writeArrayFieldStart("embedding");
                for (float v : e.vector()) out.writeNumber(v);
                out.writeEndArray();
            }
            case Result.Classification c -> {
                out.writeStringField("label", c.label());
                out.writeNumberField("score", c.score());
            }
            case Result.Relevance r -> out.writeNumberField("score", r.score());
        }
        out.writeEndObject();
        out.writeRaw('\n');
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
