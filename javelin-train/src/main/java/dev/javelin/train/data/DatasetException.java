package dev.javelin.train.data;

import java.io.IOException;
import java.nio.file.Path;

/** Bad training or evaluation data: the message names the file and, where there is one, the line. */
public final class DatasetException extends IOException {

    private final Path file;
    private final long line;

    /** A problem at a line of a file (lines count from 1, as editors show them). */
    public DatasetException(Path file, long line, String message) {
        super(file + ":" + line + ": " + message);
        this.file = file;
        this.line = line;
    }

    /** A problem with the file as a whole (no rows, a single class, ...). */
    public DatasetException(Path file, String message) {
        super(file + ": " + message);
        this.file = file;
        this.line = 0;
    }

    public Path file() {
        return file;
    }

    /** The 1-based line of the problem, or 0 when it concerns the whole file. */
    public long line() {
        return line;
    }
}
