package dev.javelin.cli;

import dev.javelin.engine.Input;
import dev.javelin.engine.ModelSpec;
import dev.javelin.engine.Truncate;
import dev.javelin.pipelines.EmbeddingsPipeline;
import dev.javelin.pipelines.Pipelines;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code javelin similarity}: the command-line twin of {@code /similarity}. */
@Command(name = "similarity", mixinStandardHelpOptions = true,
        description = {"Cosine similarity of each sentence's embedding to the source sentence's, one JSON line "
                + "{\"similarity\": …} per sentence, in order (/similarity answers the same numbers as one list).",
                "Sentences come from the arguments or, with none, JSON lines on stdin (a string or {\"text\": …})."})
public final class SimilarityCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** Where JSON lines are read from when no sentences are given (tests substitute it). */
    InputStream stdin = System.in;

    @Option(names = "--model", description = "Embedding model directory or Hugging Face id (default: the embedded all-MiniLM-L6-v2).")
    String model;

    @Option(names = "--source", required = true, description = "The sentence the others are compared with.")
    String source;

    @Option(names = "--prompt-name", description = "One of the model's prompts to put before every sentence (default: its default prompt, if any).")
    String promptName;

    @Parameters(arity = "0..*", paramLabel = "SENTENCE", description = "Sentences to compare with the source.")
    List<String> sentences;

    @Mixin
    DTypeOption dtype;

    @Override
    public Integer call() {
        return JsonLines.run(spec, () -> {
            try (EmbeddingsPipeline p = Pipelines.embeddings(ModelSpec.builder().model(model).dtype(dtype.value()).build())) {
                PrintWriter out = spec.commandLine().getOut();
                TextInputs.forEachChunk(sentences, stdin, chunk -> {
                    List<String> texts = chunk.stream().map(i -> i instanceof Input.Text t ? t.text() : null).toList();
                    if (texts.contains(null)) throw new IllegalArgumentException("similarity compares single sentences; inputs must not have a text_pair");
                    for (float s : p.engine().similarity(source, texts, Truncate.RIGHT, promptName)) JsonLines.print(out, Map.of("similarity", s));
                    out.flush();
                });
            }
            return 0;
        });
    }
}
