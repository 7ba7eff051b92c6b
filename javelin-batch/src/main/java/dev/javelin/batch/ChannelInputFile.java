package dev.javelin.batch;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/**
 * A local file as Parquet input, read through a {@link FileChannel}. parquet-java's own
 * {@code LocalInputFile} does not override {@code read(byte[], int, int)}, so {@code InputStream}'s
 * default reads it a byte at a time, one system call each: appending a chunk's row groups
 * ({@code ParquetFileWriter.appendFile} copies with that method) took a quarter of a core.
 */
final class ChannelInputFile implements InputFile {
    private final Path file;

    ChannelInputFile(Path file) {
        this.file = file;
    }

    @Override
    public long getLength() throws IOException {
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.READ)) {
            return c.size();
        }
    }

    @Override
    public SeekableInputStream newStream() throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        return new SeekableInputStream() {
            @Override
            public int read() throws IOException {
                ByteBuffer one = ByteBuffer.allocate(1);
                return channel.read(one) < 1 ? -1 : one.get(0) & 0xff;
            }

            @Override
            public int read(byte[] bytes, int off, int len) throws IOException {
                return read(ByteBuffer.wrap(bytes, off, len));
            }

            @Override
            public long getPos() throws IOException {
                return channel.position();
            }

            @Override
            public void seek(long position) throws IOException {
                channel.position(position);
            }

            @Override
            public void readFully(byte[] bytes) throws IOException {
                readFully(ByteBuffer.wrap(bytes));
            }

            @Override
            public void readFully(byte[] bytes, int off, int len) throws IOException {
                readFully(ByteBuffer.wrap(bytes, off, len));
            }

            @Override
            public int read(ByteBuffer into) throws IOException {
                return into.hasRemaining() ? channel.read(into) : 0;
            }

            @Override
            public void readFully(ByteBuffer into) throws IOException {
                while (into.hasRemaining()) {
                    if (channel.read(into) < 0) throw new EOFException(file + " ends " + into.remaining() + " bytes early");
                }
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    }

    @Override
    public String toString() {
        return file.toString();
    }
}
