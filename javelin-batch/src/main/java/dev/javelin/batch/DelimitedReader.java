package dev.javelin.batch;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * CSV (RFC 4180) or TSV with a header line, through Commons CSV. Bytes that are not UTF-8 become
 * U+FFFD as they are decoded; a record holding one is reported bad, so a stray byte costs one row.
 */
final class DelimitedReader implements RowReader {
    private static final char REPLACEMENT = '\uFFFD';

    private final Path file;
    private final Columns columns;
    private final CSVParser parser;
    private final Iterator<CSVRecord> records;
    private final Map<String, Integer> header;
    private long index;
    private long lastLine;

    DelimitedReader(Path file, Format format, Columns columns) throws IOException {
        this.file = file;
        this.columns = columns;
        Reader reader = new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE));
        this.parser = dialect(format).parse(reader);
        this.header = parser.getHeaderMap();
        if (header == null || header.isEmpty()) throw new IOException(file + ": no header line");
        if (!header.containsKey(columns.text())) {
            throw new IOException(file + ": no '" + columns.text() + "' column (columns: " + String.join(", ", header.keySet())
                    + "); name the text column with --text-column");
        }
        this.records = parser.iterator();
        this.lastLine = parser.getCurrentLineNumber();
    }

    static CSVFormat dialect(Format format) {
        // TSV as datasets use it (SST-2, GLUE): tabs split fields and quotes are plain characters.
        CSVFormat.Builder b = format == Format.TSV
                ? CSVFormat.Builder.create().setDelimiter('\t').setQuote(null).setEscape(null).setRecordSeparator('\n')
                : CSVFormat.RFC4180.builder();
        return b.setIgnoreEmptyLines(true).setHeader().setSkipHeaderRecord(true).get();
    }

    @Override
    public InputRow next() throws IOException {
        long line = lastLine + 1;
        CSVRecord record;
        try {
            if (!records.hasNext()) return null;
            record = records.next();
        } catch (UncheckedIOException e) {
            // A quote left open swallows the rest of the file: no later record can be trusted.
            throw new IOException(file + " line " + line + ": " + e.getCause().getMessage(), e);
        }
        lastLine = parser.getCurrentLineNumber();
        long i = index++;
        if (record.size() != header.size()) {
            return InputRow.bad(i, line, "has " + record.size() + " fields, the header has " + header.size());
        }
        for (String value : record) {
            if (value.indexOf(REPLACEMENT) >= 0) return InputRow.bad(i, line, "not valid UTF-8");
        }
        return RowFields.row(i, line, columns, name -> header.containsKey(name) ? record.get(name) : null);
    }

    @Override
    public long estimatedRows() throws IOException {
        return Lines.count(file) - 1;
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }
}
