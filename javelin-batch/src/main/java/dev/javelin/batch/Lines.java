package dev.javelin.batch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Counting a text file's lines for the progress bar: bytes only, no decoding. */
final class Lines {
    private Lines() {
    }

    static long count(Path file) throws IOException {
        long lines = 0;
        int last = '\n';
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) if (buf[i] == '\n') lines++;
                last = buf[n - 1];
            }
        }
        return last == '\n' ? lines : lines + 1;
    }
}
