package dev.javelin.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.Util;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A footer whose encodings are listed in another order (as another JVM's HashSet gives them) is made canonical. */
class CanonicalFooterTest {
    @TempDir
    Path dir;

    @Test
    void footersListingEncodingsInAnyOrderBecomeTheSameBytes() throws Exception {
        List<String> texts = TestFiles.sst2Dev(300);
        Path written = TestFiles.write(dir.resolve("written.parquet"), Format.PARQUET, texts);
        Path scrambled = Files.copy(written, dir.resolve("scrambled.parquet"));
        // The written order follows this JVM's identity hash codes, so it may already be descending:
        // scramble into whichever of the two orders the written file does not have.
        boolean writtenDescending = columns(written).stream().map(CanonicalFooterTest::values).filter(v -> v.length > 1)
                .allMatch(v -> isSorted(v, Comparator.reverseOrder()));
        Comparator<Integer> order = writtenDescending ? Comparator.naturalOrder() : Comparator.reverseOrder();
        CanonicalFooter.reorder(scrambled, (a, b) -> order.compare(a.getValue(), b.getValue()), CanonicalFooter.STATS_ORDER.reversed());
        assertThat(columns(scrambled)).as("a column with several encodings, now in the other order")
                .anySatisfy(c -> assertThat(values(c)).hasSizeGreaterThan(1).isSortedAccordingTo(order));
        assertThat(Files.mismatch(written, scrambled)).as("the scrambled footer differs").isNotEqualTo(-1);

        CanonicalFooter.apply(written);
        CanonicalFooter.apply(scrambled);
        assertThat(Files.mismatch(written, scrambled)).as("both canonical: the same bytes").isEqualTo(-1L);
        for (ColumnMetaData c : columns(scrambled)) {
            assertThat(values(c)).isSorted();
            if (c.getEncoding_stats() != null) assertThat(c.getEncoding_stats()).isSortedAccordingTo(CanonicalFooter.STATS_ORDER);
        }
        byte[] once = Files.readAllBytes(scrambled);
        CanonicalFooter.apply(scrambled);
        assertThat(Files.readAllBytes(scrambled)).as("canonical already: unchanged").isEqualTo(once);
        assertThat(TestFiles.read(scrambled, Format.PARQUET)).hasSize(texts.size())
                .allSatisfy((id, row) -> assertThat(row.get("text")).isEqualTo(texts.get(Integer.parseInt(id.substring(1)))));
    }

    private static boolean isSorted(int[] values, Comparator<Integer> order) {
        for (int i = 1; i < values.length; i++) {
            if (order.compare(values[i - 1], values[i]) > 0) return false;
        }
        return true;
    }

    private static int[] values(ColumnMetaData c) {
        return c.getEncodings().stream().mapToInt(Encoding::getValue).toArray();
    }

    private static List<ColumnMetaData> columns(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int length = ByteBuffer.wrap(bytes, bytes.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        FileMetaData footer = Util.readFileMetaData(new ByteArrayInputStream(Arrays.copyOfRange(bytes, bytes.length - 8 - length, bytes.length - 8)));
        return footer.getRow_groups().stream().map(RowGroup::getColumns).flatMap(List::stream).map(c -> c.getMeta_data()).toList();
    }
}
