package dev.javelin.cli;

import dev.javelin.pipelines.Label;
import dev.javelin.pipelines.Pipelines;
import dev.javelin.pipelines.ScoreFunction;
import dev.javelin.pipelines.TextClassificationPipeline;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "classify", mixinStandardHelpOptions = true,
        description = {"Text classification, one JSON line [{\"label\": …, \"score\": …}, …] per input.",
                "Texts come from the arguments or, with none, JSON lines on stdin (a string or {\"text\": …, \"text_pair\": …})."})
public final class ClassifyCommand implements Callable<Integer> {
    @Option(names = "--model", description = "Classifier model directory or Hugging Face id.")
    String model;

    @Option(names = "--top-k", defaultValue = "1", description = "Labels per input, best first; 0 for all (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--function", description = "Score function: sigmoid, softmax or none (default: as Hugging Face picks from problem_type and the label count).")
    String function;

    @Parameters(arity = "0..*", paramLabel = "TEXT", description = "Texts to classify.")
    List<String> texts;

    @Override
    public Integer call() {
        return JsonLines.run("classify", () -> {
            if (topK < 0) throw new IllegalArgumentException("--top-k must be ≥ 0, got " + topK);
            var inputs = TextInputs.read(texts, System.in);
            try (TextClassificationPipeline p = Pipelines.textClassification(model)) {
                ScoreFunction f = function == null ? null : ScoreFunction.parse(function);
                for (List<Label> labels : p.classifyInputs(inputs, topK, f)) JsonLines.print(System.out, labels);
            }
            return 0;
        });
    }
}
