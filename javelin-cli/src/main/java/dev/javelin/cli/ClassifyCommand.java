package dev.javelin.cli;

import dev.javelin.engine.Label;
import dev.javelin.engine.ModelSpec;
import dev.javelin.pipelines.Pipelines;
import dev.javelin.engine.PredictOptions;
import dev.javelin.engine.ScoreFunction;
import dev.javelin.engine.Truncate;
import dev.javelin.pipelines.TextClassificationPipeline;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "classify", mixinStandardHelpOptions = true,
        description = {"Text classification, one JSON line [{\"label\": …, \"score\": …}, …] per input.",
                "Texts come from the arguments or, with none, JSON lines on stdin (a string or {\"text\": …, \"text_pair\": …})."})
public final class ClassifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** Where JSON lines are read from when no texts are given (tests substitute it). */
    InputStream stdin = System.in;

    @Option(names = "--model", description = "Classifier model directory or Hugging Face id (default: the embedded all-MiniLM-L6-v2 with its SST-2 sentiment adapter).")
    String model;

    @Option(names = "--top-k", defaultValue = "1", description = "Labels per input, best first; 0 for all (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--function", description = "Score function: sigmoid, softmax or none (default: as Hugging Face picks from problem_type and the label count).")
    String function;

    @Parameters(arity = "0..*", paramLabel = "TEXT", description = "Texts to classify.")
    List<String> texts;

    @Mixin
    DTypeOption dtype;

    @Mixin
    HeadOption head;

    @Override
    public Integer call() {
        return JsonLines.run(spec, () -> {
            if (topK < 0) throw new IllegalArgumentException("--top-k must be ≥ 0, got " + topK);
            PredictOptions options = new PredictOptions(Truncate.RIGHT, function == null ? null : ScoreFunction.parse(function), topK);
            try (TextClassificationPipeline p = Pipelines.textClassification(ModelSpec.builder().model(model).dtype(dtype.value()).head(head.value()).build())) {
                PrintWriter out = spec.commandLine().getOut();
                TextInputs.forEachChunk(texts, stdin, chunk -> {
                    for (List<Label> labels : p.classify(chunk, options)) JsonLines.print(out, labels);
                    out.flush();
                });
            }
            return 0;
        });
    }
}
