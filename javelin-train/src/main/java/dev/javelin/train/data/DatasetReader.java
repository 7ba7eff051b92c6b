package dev.javelin.train.data;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads labelled texts from CSV, TSV or JSON lines. Every problem is a {@link DatasetException} that
 * names the file and line: a missing column or field, an empty text or label, invalid UTF-8,
 * malformed JSON or CSV.
 */
public final class DatasetReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DatasetReader() {
    }

    /** Reads a file whose format is given by its extension (.csv, .tsv, .jsonl/.ndjson/.json). */
    public static List<LabelledText> read(Path file, Columns columns) throws IOException {
        DataFormat format = DataFormat.fromExtension(file);
        if (format == null) {
            throw new DatasetException(file, "cannot tell the format from the file name; "
                    + "use a .csv, .tsv or .jsonl extension or pass --format");
        }
        return read(file, format, columns);
    }

    public static List<LabelledText> read(Path file, DataFormat format, Columns columns) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DatasetException(file, "no such file");
        }
        String content = StrictUtf8.decode(file, bytes);
        List<LabelledText> rows = switch (format) {
            case CSV -> readDelimited(file, content, columns, CSVFormat.RFC4180.builder()
                    .setIgnoreEmptyLines(true).get());
            case TSV -> readDelimited(file, content, columns, CSVFormat.Builder.create()
                    .setDelimiter('\t').setQuote(null).setEscape(null)
                    .setIgnoreEmptyLines(true).get());
            case JSONL -> readJsonLines(file, content, columns);
        };
        if (rows.isEmpty()) {
            throw new DatasetException(file, "no examples (only a header, or an empty file)");
        }
        return rows;
    }

    private static List<LabelledText> readDelimited(Path file, String content, Columns columns, CSVFormat format)
            throws DatasetException {
        LineIndex lines = new LineIndex(content);
        List<LabelledText> rows = new ArrayList<>();
        try (CSVParser parser = CSVParser.builder().setReader(new StringReader(content)).setFormat(format).get()) {
            var records = parser.iterator();
            if (!records.hasNext()) {
                throw new DatasetException(file, "empty file: expected a header row naming the columns");
            }
            CSVRecord headerRecord = records.next();
            List<String> header = headerRecord.toList();
            Map<String, Integer> index = new HashMap<>();
            for (int i = 0; i < header.size(); i++) {
                if (index.putIfAbsent(header.get(i), i) != null) {
                    throw new DatasetException(file, 1, "column '" + header.get(i) + "' appears twice in the header");
                }
            }
            Columns resolved = columns.resolve(file, new LinkedHashSet<>(header));
            while (records.hasNext()) {
                CSVRecord record = records.next();
                long line = lines.lineAt(record.getCharacterPosition());
                if (record.size() != header.size()) {
                    throw new DatasetException(file, line, record.size() + " fields where the header has "
                            + header.size() + " " + header);
                }
                rows.add(example(file, line, record.get(index.get(resolved.text())),
                        resolved.pair() == null ? null : record.get(index.get(resolved.pair())),
                        record.get(index.get(resolved.label())), resolved));
            }
        } catch (UncheckedIOException | IOException e) {
            if (e instanceof DatasetException de) {
                throw de;
            }
            // Commons CSV reports an unterminated quote (the usual CSV corruption) this way; its message
            // carries the line.
            Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
            throw new DatasetException(file, "malformed CSV: " + cause.getMessage());
        }
        return rows;
    }

    private static List<LabelledText> readJsonLines(Path file, String content, Columns columns)
            throws DatasetException {
        List<LabelledText> rows = new ArrayList<>();
        String[] lines = content.split("\r?\n", -1);
        Columns resolved = null;
        for (int i = 0; i < lines.length; i++) {
            long line = i + 1;
            if (lines[i].isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(lines[i]);
            } catch (JacksonException e) {
                throw new DatasetException(file, line, "malformed JSON: " + e.getOriginalMessage());
            }
            if (node == null || !node.isObject()) {
                throw new DatasetException(file, line, "expected a JSON object like {\"text\": \"...\", \"label\": ...}");
            }
            if (resolved == null) {
                List<String> keys = new ArrayList<>();
                node.fieldNames().forEachRemaining(keys::add);
                resolved = columns.resolve(file, keys);
            }
            rows.add(example(file, line, jsonString(file, line, node, resolved.text()),
                    resolved.pair() == null ? null : jsonString(file, line, node, resolved.pair()),
                    jsonLabel(file, line, node, resolved.label()), resolved));
        }
        return rows;
    }

    private static String jsonString(Path file, long line, JsonNode node, String key) throws DatasetException {
        JsonNode value = node.get(key);
        if (value == null) {
            throw new DatasetException(file, line, "missing field '" + key + "'");
        }
        if (!value.isTextual()) {
            throw new DatasetException(file, line, "field '" + key + "' must be a string, not " + value.getNodeType());
        }
        return value.textValue();
    }

    private static String jsonLabel(Path file, long line, JsonNode node, String key) throws DatasetException {
        JsonNode value = node.get(key);
        if (value == null) {
            throw new DatasetException(file, line, "missing field '" + key + "'");
        }
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isIntegralNumber()) {
            return value.asText();
        }
        throw new DatasetException(file, line, "label '" + key + "' must be a string or an integer, not " + value);
    }

    private static LabelledText example(Path file, long line, String text, String pair, String label, Columns columns)
            throws DatasetException {
        if (text.isBlank()) {
            throw new DatasetException(file, line, "empty text in column '" + columns.text() + "'");
        }
        if (pair != null && pair.isBlank()) {
            throw new DatasetException(file, line, "empty text in column '" + columns.pair() + "'");
        }
        String trimmedLabel = label.strip();
        if (trimmedLabel.isEmpty()) {
            throw new DatasetException(file, line, "empty label in column '" + columns.label() + "'");
        }
        return new LabelledText(text, pair, trimmedLabel, line);
    }

    /** Maps character offsets of the decoded file to 1-based line numbers. */
    private static final class LineIndex {
        private final long[] starts;

        LineIndex(String content) {
            long[] found = new long[16];
            int n = 0;
            found[n++] = 0;
            for (int i = 0; i < content.length(); i++) {
                if (content.charAt(i) == '\n') {
                    if (n == found.length) {
                        found = Arrays.copyOf(found, n * 2);
                    }
                    found[n++] = i + 1;
                }
            }
            starts = Arrays.copyOf(found, n);
        }

        long lineAt(long offset) {
            int i = Arrays.binarySearch(starts, offset);
            return (i >= 0 ? i : -i - 2) + 1;
        }
    }
}
