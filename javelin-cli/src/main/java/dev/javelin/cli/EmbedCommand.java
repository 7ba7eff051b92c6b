package dev.javelin.cli;

import dev.javelin.pipelines.EmbeddingsPipeline;
import dev.javelin.pipelines.Pipelines;
import dev.javelin.engine.EmbedOptions;
import dev.javelin.engine.ModelSpec;
import dev.javelin.engine.Truncate;
import dev.javelin.engine.Pooling;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
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

    @Option(names = "--prompt-name", description = "One of the model's prompts (config_sentence_transformers.json) to put before "
            + "each text, e.g. query (default: the model's default_prompt_name, if any).")
    String promptName;

    @Option(names = "--dimensions", description = "Keep the first N dimensions (Matryoshka), then normalise as the model does.")
    Integer dimensions;

    @Option(names = "--all-tokens", description = "Every token's last hidden state instead of one vector per text "
            + "(/embed_all): one JSON line {\"tokens\": [[…], …]} per input.")
    boolean allTokens;

    @Parameters(arity = "0..*", paramLabel = "TEXT", description = "Texts to embed.")
    List<String> texts;

    @Mixin
    DTypeOption dtype;

    @Mixin
    HeadOption head;

    @Override
    public Integer call() {
        return JsonLines.run(spec, () -> {
            ModelSpec modelSpec = new ModelSpec(model, pooling == null ? null : Pooling.parse(pooling), normalize, dtype.value(),
                    head.value());
            if (allTokens && dimensions != null) throw new IllegalArgumentException("--dimensions applies to sentence vectors, not to --all-tokens");
            EmbedOptions options = new EmbedOptions(Truncate.RIGHT, null, dimensions, promptName);
            try (EmbeddingsPipeline p = Pipelines.embeddings(modelSpec)) {
                PrintWriter out = spec.commandLine().getOut();
                TextInputs.forEachChunk(texts, stdin, chunk -> {
                    if (allTokens) {
                        for (float[][] t : p.engine().embedAll(chunk, Truncate.RIGHT, promptName)) JsonLines.print(out, Map.of("tokens", t));
                    } else {
                        for (float[] v : p.embed(chunk, options)) JsonLines.print(out, Map.of("embedding", v));
                    }
                    out.flush();
                });
            }
            return 0;
        });
    }
}
