package dev.javelin.train.data;

/**
 * One example as read from a data file: the text (and optional second text of a pair), its raw label
 * as written in the file, and the line it starts on (for error messages).
 */
public record LabelledText(String text, String pair, String label, long line) {
}
