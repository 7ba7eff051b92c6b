package dev.javelin.train.data;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/**
 * Which columns (CSV/TSV header names, or JSON keys) hold the text, the optional paired text and the
 * label. A null name means: detect it from the header.
 */
public record Columns(String text, String pair, String label) {

    /** Header names tried, in order, when no text column is given. */
    public static final List<String> DEFAULT_TEXT = List.of("text", "sentence", "content");
    public static final String DEFAULT_LABEL = "label";

    public static Columns detect() {
        return new Columns(null, null, null);
    }

    /** The concrete columns for a header: defaults filled in, every named column checked to exist. */
    Columns resolve(Path file, Collection<String> header) throws DatasetException {
        String textColumn = text;
        if (textColumn == null) {
            textColumn = DEFAULT_TEXT.stream().filter(header::contains).findFirst().orElseThrow(() ->
                    new DatasetException(file, 1, "no text column: none of " + DEFAULT_TEXT
                            + " in " + header + "; name it with --text-column"));
        }
        String labelColumn = label == null ? DEFAULT_LABEL : label;
        require(file, header, textColumn, "--text-column");
        require(file, header, labelColumn, "--label-column");
        if (pair != null) {
            require(file, header, pair, "--text-pair-column");
        }
        return new Columns(textColumn, pair, labelColumn);
    }

    private static void require(Path file, Collection<String> header, String column, String option)
            throws DatasetException {
        if (!header.contains(column)) {
            throw new DatasetException(file, 1, "missing column '" + column + "' (columns: " + header
                    + "); choose one with " + option);
        }
    }
}
