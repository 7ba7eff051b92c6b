package dev.javelin.cli;

import dev.javelin.pipelines.EmbeddingsPipeline;
import dev.javelin.pipelines.Pipelines;
import dev.javelin.engine.EmbedOptions;
import dev.javelin.engine.ModelSpec;
import dev.javelin.engine.Pooling;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "embed", mixinStandardHelpOptions = true,
        description = {"Sentence embeddings, one JSON line {\"embedding\": […]} per input.",
                "Texts come from the arguments or, with none, JSON lines on stdin (a string or {\"text\": …, \"text_pair\": …})."})
public final class EmbedCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** Where JSON lines are read from when no texts are given (tests substitute it). */
    InputStream stdin = System.in;

    @Option(names = "--model", description = "Model directory or Hugging Face id (default: the embedded all-MiniLM-L6-v2).")
    String model;

    @Option(names = "--pooling", description = "Override the model's pooling: cls, mean, max, last-token.")
    String pooling;

    @Option(names = "--normalize", negatable = true, description = "Override the model's L2 normalisation (--no-normalize to turn it off).")
    Boolean normalize;

    @Parameters(arity = "0..*", paramLabel = "TEXT", description = "Texts to embed.")
    List<String> texts;

    @Override
    public Integer call() {
        return JsonLines.run(spec, () -> {
            ModelSpec modelSpec = new ModelSpec(model, pooling == null ? null : Pooling.parse(pooling), normalize);
            var inputs = TextInputs.read(texts, stdin);
            try (EmbeddingsPipeline p = Pipelines.embeddings(modelSpec)) {
                float[][] vectors = p.embed(inputs, EmbedOptions.DEFAULT);
                for (float[] v : vectors) JsonLines.print(spec.commandLine().getOut(), Map.of("embedding", v));
            }
            return 0;
        });
    }
}
