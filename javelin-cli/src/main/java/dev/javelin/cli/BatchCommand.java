package dev.javelin.cli;

import dev.javelin.batch.BatchJob;
import dev.javelin.batch.BatchOptions;
import dev.javelin.batch.ClusterJob;
import dev.javelin.batch.Columns;
import dev.javelin.batch.Format;
import dev.javelin.batch.RowModel;
import dev.javelin.batch.Task;
import dev.javelin.engine.ModelSpec;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "batch", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Embeds, classifies or reranks every row of a file (JSON lines, CSV, TSV, Parquet) into another.",
                "Results are committed in chunks: a killed job re-run with the same command resumes after the last one.",
                "Rows that cannot be used go to a side file with their line and reason (--fail-fast stops instead).",
                "With --spark-master the same job runs on Apache Spark (local[N] or spark://host:port)."})
public final class BatchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TASK", description = "embed, classify or rerank.")
    String task;

    @Option(names = "--input", required = true, paramLabel = "FILE", description = "The rows to process.")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "FILE",
            description = "Where the results go (with --spark-master: a directory of part files).")
    Path output;

    @Option(names = "--model", description = "Model directory or Hugging Face id (default: the embedded all-MiniLM-L6-v2; "
            + "for classify, its built-in sentiment model).")
    String model;

    @Option(names = "--text-column", defaultValue = "text", description = "Column holding the text (default: ${DEFAULT-VALUE}).")
    String textColumn;

    @Option(names = "--id-column", description = "Column copied to each output row (default: the 0-based row number, as `row`).")
    String idColumn;

    @Option(names = "--query-column", defaultValue = "query",
            description = "rerank: column holding the query each text is scored against (default: ${DEFAULT-VALUE}).")
    String queryColumn;

    @Option(names = "--batch-tokens", defaultValue = "16384", description = "Token budget of one forward pass (default: ${DEFAULT-VALUE}).")
    int batchTokens;

    @Option(names = "--format", description = "Output format: jsonl, csv, tsv or parquet (default: from the output's extension).")
    String format;

    @Option(names = "--input-format", description = "Input format (default: from the input's extension).")
    String inputFormat;

    @Option(names = "--bad-rows", paramLabel = "FILE", description = "Side file for bad rows (default: the output's name + .bad.jsonl).")
    Path badRows;

    @Option(names = "--chunk-rows", defaultValue = "1024", description = "Rows per committed chunk (default: ${DEFAULT-VALUE}).")
    int chunkRows;

    @Option(names = "--fail-fast", description = "Stop at the first bad row instead of setting it aside.")
    boolean failFast;

    @Mixin
    DTypeOption dtype;

    @Option(names = "--spark-master", paramLabel = "URL", description = "Run on Apache Spark: local[N] or spark://host:port.")
    String sparkMaster;

    @Override
    public Integer call() {
        return JsonLines.run(spec, () -> {
            Task t = parseTask(task);
            Columns columns = new Columns(textColumn, idColumn, t == Task.RERANK ? queryColumn : null);
            BatchOptions options = new BatchOptions(t, input, Format.of(input, inputFormat), output, Format.of(output, format),
                    badRows != null ? badRows : BatchOptions.defaultBadRows(output), columns, model, chunkRows, failFast);
            if (sparkMaster != null) {
                return SparkDriverProcess.run(new ClusterJob(sparkMaster, batchTokens, dtype.value().label(), options));
            }
            try (RowModel m = RowModel.load(t, ModelSpec.of(model).withDtype(dtype.value()), batchTokens)) {
                BatchJob.Summary s = new BatchJob(options, m).run();
                spec.commandLine().getErr().printf(Locale.ROOT,
                        "javelin batch: %d rows (%d bad%s) in %.1f s (%.1f s finishing the output), %.1f rows/s; wrote %s%n",
                        s.rows(), s.badRows(), s.badRows() > 0 ? ", listed in " + options.badRows() : "", s.seconds(),
                        s.finishSeconds(), s.rowsPerSecond(), output);
            }
            return 0;
        });
    }

    private static Task parseTask(String name) {
        try {
            return Task.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown task '" + name + "'; use embed, classify or rerank");
        }
    }
}
