package dev.javelin.cli;

import dev.javelin.engine.ModelSpec;
import dev.javelin.pipelines.Pipelines;
import dev.javelin.engine.Rank;
import dev.javelin.pipelines.RerankPipeline;
import dev.javelin.engine.Input;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "rerank", mixinStandardHelpOptions = true,
        description = {"Ranks texts by relevance to --query: one JSON line {\"index\": …, \"score\": …} per text, best first.",
                "Needs a cross-encoder (a classifier with one output), which scores each (query, text) pair: sigmoid of its logit.",
                "Texts come from the arguments or, with none, JSON lines on stdin (a string or {\"text\": …}),"
                        + " scored in chunks: memory holds each text's score, not the texts."})
public final class RerankCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** Where JSON lines are read from when no texts are given (tests substitute it). */
    InputStream stdin = System.in;

    @Option(names = "--model", required = true, description = "Cross-encoder model directory or Hugging Face id.")
    String model;

    @Option(names = "--query", required = true, description = "The query to rank the texts against.")
    String query;

    @Parameters(arity = "0..*", paramLabel = "TEXT", description = "Texts to rank.")
    List<String> texts;

    @Mixin
    DTypeOption dtype;

    @Mixin
    HeadOption head;

    @Override
    public Integer call() {
        return JsonLines.run(spec, () -> {
            try (RerankPipeline p = Pipelines.rerank(ModelSpec.builder().model(model).dtype(dtype.value()).head(head.value()).build())) {
                // Texts are scored chunk by chunk; only their ranks stay until all are in and sorted.
                List<Rank> ranks = new ArrayList<>();
                TextInputs.forEachChunk(texts, stdin, chunk -> {
                    List<String> documents = chunk.stream().map(i -> i instanceof Input.Text t ? t.text() : null).toList();
                    if (documents.contains(null)) {
                        throw new IllegalArgumentException("rerank pairs each text with --query; inputs must not have a text_pair");
                    }
                    int offset = ranks.size();
                    for (Rank r : p.rerank(query, documents)) ranks.add(new Rank(offset + r.index(), r.text(), r.score()));
                });
                ranks.sort(Comparator.comparingDouble(Rank::score).reversed());
                for (Rank r : ranks) JsonLines.print(spec.commandLine().getOut(), r);
            }
            return 0;
        });
    }
}
