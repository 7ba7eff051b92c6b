package dev.javelin.batch;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.PageEncodingStats;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.Util;

/**
 * Puts a Parquet footer's unordered lists in one fixed order, so that the same rows give the same
 * bytes in any process. parquet-java keeps a column chunk's encodings in a {@code HashSet} of enum
 * constants, whose iteration order follows their identity hash codes, which differ from JVM to JVM:
 * a job resumed in another process wrote the same data with the encodings listed in another order.
 */
final class CanonicalFooter {
    static final Comparator<PageEncodingStats> STATS_ORDER = Comparator
            .<PageEncodingStats>comparingInt(s -> s.getPage_type().getValue())
            .thenComparingInt(s -> s.getEncoding().getValue());

    private CanonicalFooter() {
    }

    /** Rewrites {@code file}'s footer in place (the same length: only list orders change). */
    static void apply(Path file) throws IOException {
        reorder(file, Comparator.comparingInt(Encoding::getValue), STATS_ORDER);
    }

    /** Sorts each column chunk's encodings and encoding statistics in {@code file}'s footer, in place. */
    static void reorder(Path file, Comparator<Encoding> encodings, Comparator<PageEncodingStats> stats) throws IOException {
        try (FileChannel f = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer tail = readFully(f, f.size() - 8, 8).order(ByteOrder.LITTLE_ENDIAN);
            int length = tail.getInt(0);
            long start = f.size() - 8 - length;
            FileMetaData footer = Util.readFileMetaData(new ByteArrayInputStream(readFully(f, start, length).array()));
            for (RowGroup group : footer.getRow_groups()) {
                for (ColumnChunk chunk : group.getColumns()) {
                    ColumnMetaData column = chunk.getMeta_data();
                    column.getEncodings().sort(encodings);
                    if (column.getEncoding_stats() != null) column.getEncoding_stats().sort(stats);
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(length);
            Util.writeFileMetaData(footer, out);
            if (out.size() != length) {
                throw new IOException(file + ": the reordered footer has " + out.size() + " bytes, not " + length);
            }
            ByteBuffer bytes = ByteBuffer.wrap(out.toByteArray());
            while (bytes.hasRemaining()) f.write(bytes, start + bytes.position());
        }
    }

    private static ByteBuffer readFully(FileChannel f, long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            if (f.read(b, position + b.position()) < 0) throw new IOException("a Parquet file ends early");
        }
        return b;
    }
}
