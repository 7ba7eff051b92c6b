package dev.javelin.train.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetReaderTest {

    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    private Path writeBytes(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    private static void assertFails(Path file, long line, String message) {
        assertThatThrownBy(() -> DatasetReader.read(file, Columns.detect()))
                .isInstanceOfSatisfying(DatasetException.class, e -> {
                    assertThat(e.line()).isEqualTo(line);
                    assertThat(e.file()).isEqualTo(file);
                })
                .hasMessageStartingWith(file + ":" + (line > 0 ? line + ":" : ""))
                .hasMessageContaining(message);
    }

    @Test
    void readsRfc4180CsvWithQuotedCommasQuotesAndNewlines() throws IOException {
        Path file = write("data.csv", "id,text,label\r\n"
                + "1,\"great, really great\",pos\r\n"
                + "2,\"she said \"\"meh\"\"\nand left\",neg\r\n"
                + "3,plain,pos\r\n");
        List<LabelledText> rows = DatasetReader.read(file, Columns.detect());
        assertThat(rows).containsExactly(
                new LabelledText("great, really great", null, "pos", 2),
                new LabelledText("she said \"meh\"\nand left", null, "neg", 3),
                new LabelledText("plain", null, "pos", 5));
    }

    @Test
    void readsTsvWithoutQuotingAndDetectsTheSentenceColumn() throws IOException {
        Path file = write("train.tsv", "label\tsentence\n0\t\"quoted\" as written\n1\tit 's fine\n");
        assertThat(DatasetReader.read(file, Columns.detect())).containsExactly(
                new LabelledText("\"quoted\" as written", null, "0", 2),
                new LabelledText("it 's fine", null, "1", 3));
    }

    @Test
    void readsJsonLinesWithIntegerAndStringLabelsAndPairs() throws IOException {
        Path file = write("data.jsonl", "{\"content\": \"a\", \"other\": \"b\", \"label\": 1}\n\n"
                + "{\"content\": \"c\", \"other\": \"d\", \"label\": \"x\"}\n");
        assertThat(DatasetReader.read(file, new Columns(null, "other", null))).containsExactly(
                new LabelledText("a", "b", "1", 1), new LabelledText("c", "d", "x", 3));
    }

    @Test
    void honoursNamedColumnsAndStripsAUtf8Bom() throws IOException {
        byte[] body = "review,stars\ngood,5\nbad,1\n".getBytes(StandardCharsets.UTF_8);
        byte[] withBom = new byte[body.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(body, 0, withBom, 3, body.length);
        Path file = writeBytes("r.csv", withBom);
        assertThat(DatasetReader.read(file, new Columns("review", null, "stars")))
                .extracting(LabelledText::text).containsExactly("good", "bad");
    }

    @Test
    void missingTextColumnNamesTheColumnsThereAre() throws IOException {
        assertFails(write("a.csv", "body,label\nx,1\n"), 1, "no text column: none of [text, sentence, content] in [body, label]");
        Path file = write("b.csv", "text,label\nx,1\n");
        assertThatThrownBy(() -> DatasetReader.read(file, new Columns(null, null, "stars")))
                .hasMessageContaining(file + ":1: missing column 'stars' (columns: [text, label])");
    }

    @Test
    void emptyTextOrLabelNamesItsLine() throws IOException {
        assertFails(write("a.tsv", "sentence\tlabel\nok\t1\n   \t0\n"), 3, "empty text in column 'sentence'");
        assertFails(write("b.csv", "text,label\nok,1\nalso ok,\n"), 3, "empty label in column 'label'");
        assertFails(write("c.jsonl", "{\"text\":\"\",\"label\":0}\n"), 1, "empty text");
    }

    @Test
    void rowWithTheWrongNumberOfFieldsNamesItsLine() throws IOException {
        assertFails(write("a.tsv", "label\tsentence\n0\tfine\n1\ttab\tinside\n"), 3, "3 fields where the header has 2");
    }

    @Test
    void invalidUtf8NamesItsLine() throws IOException {
        byte[] latin1 = "text,label\nfine,1\ncaf\u00e9,0\n".getBytes(StandardCharsets.ISO_8859_1);
        assertFails(writeBytes("latin1.csv", latin1), 3, "not valid UTF-8 (byte 0xE9");
        byte[] utf16 = "text,label\nx,1\n".getBytes(StandardCharsets.UTF_16LE);
        assertFails(writeBytes("utf16.csv", utf16), 1, "NUL byte");
    }

    @Test
    void malformedJsonNamesItsLine() throws IOException {
        assertFails(write("a.jsonl", "{\"text\":\"a\",\"label\":1}\n{\"text\": \"b\", label: 0}\n"), 2, "malformed JSON");
        assertFails(write("b.jsonl", "{\"text\":\"a\",\"label\":1}\n[1, 2]\n"), 2, "expected a JSON object");
        assertFails(write("c.jsonl", "{\"text\":\"a\",\"label\":1}\n{\"text\":\"b\"}\n"), 2, "missing field 'label'");
        assertFails(write("d.jsonl", "{\"text\":\"a\",\"label\":0.5}\n"), 1, "must be a string or an integer");
        assertFails(write("e.jsonl", "{\"text\":7,\"label\":1}\n"), 1, "field 'text' must be a string");
    }

    @Test
    void unterminatedQuoteIsAMalformedCsvError() throws IOException {
        Path file = write("a.csv", "text,label\n\"never closed,1\n");
        assertThatThrownBy(() -> DatasetReader.read(file, Columns.detect()))
                .isInstanceOf(DatasetException.class).hasMessageContaining(file + ": malformed CSV");
    }

    @Test
    void headerOnlyOrUnknownExtensionIsAClearError() throws IOException {
        assertFails(write("a.csv", "text,label\n"), 0, "no examples");
        assertFails(write("a.txt", "text,label\nx,1\n"), 0, "cannot tell the format");
        assertFails(dir.resolve("absent.csv"), 0, "no such file");
    }

    @Test
    void singleClassIsRefused() throws IOException {
        Path file = write("a.csv", "text,label\nx,1\ny,1\n");
        List<LabelledText> rows = DatasetReader.read(file, Columns.detect());
        assertThatThrownBy(() -> Dataset.forTraining(file, rows, LabelMapping.none()))
                .isInstanceOf(DatasetException.class)
                .hasMessage(file + ": only one class ('1') in 2 examples; a classifier needs at least two");
    }

    @Test
    void classesAreSortedLabelsOrTheMappingsNames() throws IOException {
        Path file = write("a.csv", "text,label\na,10\nb,2\nc,2\n");
        List<LabelledText> rows = DatasetReader.read(file, Columns.detect());
        Dataset plain = Dataset.forTraining(file, rows, LabelMapping.none());
        assertThat(plain.classes()).containsExactly("2", "10");
        assertThat(plain.labels()).containsExactly(1, 0, 0);
        Dataset mapped = Dataset.forTraining(file, rows, LabelMapping.parse("10=TEN, 2=TWO"));
        assertThat(mapped.classes()).containsExactly("TEN", "TWO");
        assertThat(mapped.labels()).containsExactly(0, 1, 1);
        assertThatThrownBy(() -> Dataset.forTraining(file, rows, LabelMapping.parse("2=TWO")))
                .hasMessage(file + ":2: label '10' is not in --labels [2]");
        assertThatThrownBy(() -> Dataset.forTraining(file, rows, LabelMapping.parse("2=TWO,10=TEN,3=THREE")))
                .hasMessage(file + ": no examples of [THREE] named in --labels");
        assertThatThrownBy(() -> LabelMapping.parse("0=NEG,1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got '1'");
    }

    @Test
    void modelClassesAcceptNamesOrIds() throws IOException {
        Path file = write("dev.tsv", "label\tcontent\n0\tbad\n1\tgood\nPOSITIVE\tgreat\n");
        List<LabelledText> rows = DatasetReader.read(file, Columns.detect());
        Dataset dataset = Dataset.forModel(file, rows, LabelMapping.none(), List.of("NEGATIVE", "POSITIVE"));
        assertThat(dataset.labels()).containsExactly(0, 1, 1);
        Path bad = write("bad.tsv", "label\tcontent\n0\tbad\n7\tgood\n");
        assertThatThrownBy(() -> Dataset.forModel(bad, DatasetReader.read(bad, Columns.detect()), LabelMapping.none(),
                List.of("NEGATIVE", "POSITIVE")))
                .hasMessage(bad + ":3: label '7' is none of the classes [NEGATIVE, POSITIVE]");
    }
}
