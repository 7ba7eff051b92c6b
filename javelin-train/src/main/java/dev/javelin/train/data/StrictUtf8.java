package dev.javelin.train.data;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Decodes a data file as UTF-8 and refuses anything else: a Latin-1 or UTF-16 file silently decoded
 * with replacement characters would train a classifier on garbage, so the first invalid byte is an
 * error naming its line.
 */
final class StrictUtf8 {

    private static final int BOM_LENGTH = 3;

    private StrictUtf8() {
    }

    static String decode(Path file, byte[] bytes) throws DatasetException {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                // Valid UTF-8, but in a text file it means UTF-16 or binary data.
                throw new DatasetException(file, lineOf(bytes, i), "contains a NUL byte at offset " + i
                        + " (UTF-16 or binary?); save the file as UTF-8");
            }
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if (hasBom(bytes)) {
            in.position(BOM_LENGTH);
        }
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            int at = in.position();
            throw new DatasetException(file, lineOf(bytes, at), String.format(
                    "not valid UTF-8 (byte 0x%02X at offset %d); save the file as UTF-8",
                    bytes[at] & 0xFF, at));
        }
        decoder.flush(out);
        return out.flip().toString();
    }

    private static boolean hasBom(byte[] b) {
        return b.length >= BOM_LENGTH && (b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB && (b[2] & 0xFF) == 0xBF;
    }

    private static long lineOf(byte[] bytes, int offset) {
        long line = 1;
        for (int i = 0; i < offset; i++) {
            if (bytes[i] == '\n') {
                line++;
            }
        }
        return line;
    }
}
