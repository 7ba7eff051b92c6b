package dev.javelin.batch;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * JSON lines: one object per line. Lines are split on bytes and decoded one at a time, so a line
 * that is not UTF-8 is one bad record rather than the end of the job.
 */
final class JsonLinesReader implements RowReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Columns columns;
    private final InputStream in;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private long lineNumber;
    private long index;

    JsonLinesReader(Path file, Columns columns) throws IOException {
        this.file = file;
        this.columns = columns;
        this.in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    }

    @Override
    public InputRow next() throws IOException {
        while (true) {
            if (!readLine()) return null;
            lineNumber++;
            if (isBlank()) continue;
            return parse(index++, lineNumber);
        }
    }

    private boolean readLine() throws IOException {
        line.reset();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') line.write(b);
        return b >= 0 || line.size() > 0;
    }

    private boolean isBlank() {
        byte[] bytes = line.toByteArray();
        for (byte b : bytes) if (b != ' ' && b != '\t' && b != '\r') return false;
        return true;
    }

    private InputRow parse(long index, long lineNo) {
        String text;
        try {
            text = utf8.decode(ByteBuffer.wrap(line.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            return InputRow.bad(index, lineNo, "not valid UTF-8");
        }
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JacksonException e) {
            return InputRow.bad(index, lineNo, "invalid JSON: " + e.getOriginalMessage());
        }
        if (!node.isObject()) return InputRow.bad(index, lineNo, "not a JSON object");
        return RowFields.row(index, lineNo, columns,
                name -> {
                    JsonNode v = node.get(name);
                    return v == null || v.isNull() ? null : v.isValueNode() ? v.asText() : v.toString();
                });
    }

    @Override
    public long estimatedRows() throws IOException {
        return Lines.count(file);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
