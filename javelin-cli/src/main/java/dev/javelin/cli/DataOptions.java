package dev.javelin.cli;

import dev.javelin.train.data.Columns;
import dev.javelin.train.data.DataFormat;
import dev.javelin.train.data.DatasetReader;
import dev.javelin.train.data.LabelMapping;
import dev.javelin.train.data.LabelledText;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** How {@code train-classifier} and {@code eval} read labelled data: columns, label names, format. */
final class DataOptions {
    @Option(names = "--text-column", paramLabel = "C", description = "Column (or JSON key) of the text (default: text, sentence or content, the first present).")
    String textColumn;

    @Option(names = "--text-pair-column", paramLabel = "C", description = "Column of a second text, for sentence-pair tasks.")
    String pairColumn;

    @Option(names = "--label-column", paramLabel = "L", description = "Column of the label (default: label).")
    String labelColumn;

    @Option(names = "--labels", paramLabel = "RAW=NAME,...", description = "Class names for raw label values, e.g. 0=NEGATIVE,1=POSITIVE.")
    String labels;

    @Option(names = "--format", paramLabel = "FMT", description = "csv, tsv or jsonl (default: from the file extension).")
    String format;

    List<LabelledText> read(Path file) throws IOException {
        Columns columns = new Columns(textColumn, pairColumn, labelColumn);
        if (format == null) return DatasetReader.read(file, columns);
        DataFormat parsed;
        try {
            parsed = DataFormat.valueOf(format.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--format: expected csv, tsv or jsonl, got '" + format + "'");
        }
        return DatasetReader.read(file, parsed, columns);
    }

    LabelMapping mapping() {
        return LabelMapping.parse(labels);
    }
}
