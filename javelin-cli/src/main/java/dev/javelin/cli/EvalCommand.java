package dev.javelin.cli;

import dev.javelin.pipelines.Pipelines;
import dev.javelin.pipelines.TextClassificationPipeline;
import dev.javelin.train.ClassifierEvaluator;
import dev.javelin.train.data.Dataset;
import dev.javelin.train.metrics.ClassificationMetrics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Scores a text classifier on labelled data: accuracy, macro-F1, per-class scores and the confusion matrix.",
                "Labels may be class names or class ids (as SST-2's 0/1), or are mapped with --labels."})
public final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "DIR", description = "Classifier model directory or Hugging Face id (default: the built-in sentiment model).")
    String model;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "Labelled data (.csv, .tsv, .jsonl).")
    Path data;

    @Mixin
    DataOptions dataOptions;

    @Override
    public Integer call() {
        return JsonLines.run(spec, () -> {
            var rows = dataOptions.read(data);
            try (TextClassificationPipeline pipeline = Pipelines.textClassification(model)) {
                Dataset dataset = Dataset.forModel(data, rows, dataOptions.mapping(), pipeline.info().labels());
                long start = System.nanoTime();
                PrintWriter out = spec.commandLine().getOut();
                ClassificationMetrics metrics = ClassifierEvaluator.evaluate(pipeline, dataset, true);
                out.println("model: " + (model == null ? "default sentiment" : model) + ", data: " + data);
                out.print(metrics.report());
                out.printf("%ntime: %.1f s%n", (System.nanoTime() - start) / 1e9);
            }
            return 0;
        });
    }
}
