package dev.javelin.cli;

import dev.javelin.engine.BundledModel;
import dev.javelin.engine.Pooling;
import dev.javelin.train.ClassifierTrainer;
import dev.javelin.train.data.Dataset;
import dev.javelin.train.embed.EmbeddingCache;
import dev.javelin.train.linear.LogisticRegression;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "train-classifier", mixinStandardHelpOptions = true,
        description = {"Trains a text classifier: a logistic-regression head on a frozen encoder's sentence embeddings.",
                "Reads CSV, TSV or JSON lines; writes a model directory that classify, eval and serve load with --model."})
public final class TrainClassifierCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "Labelled training data (.csv, .tsv, .jsonl).")
    Path data;

    @Option(names = "--validation", paramLabel = "FILE", description = "Labelled validation data; without it 10%% of --data is held out (stratified) to choose the regularisation.")
    Path validation;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Model directory to write.")
    Path out;

    @Option(names = "--model", paramLabel = "ENCODER", description = "Encoder: a model directory or Hugging Face id (default: the embedded all-MiniLM-L6-v2).")
    String model;

    @Option(names = "--pooling", paramLabel = "P", description = "Sentence pooling: mean, cls, max, last-token (default: the encoder's own).")
    String pooling;

    @Option(names = "--normalize", negatable = true, description = "L2-normalise the pooled embeddings (default: as the encoder does).")
    Boolean normalize;

    @Option(names = "--l2", split = ",", paramLabel = "λ", description = "Regularisation strength(s) to try (default: 1e-1,3e-2,…,1e-5); one value skips the search.")
    List<Double> l2;

    @Option(names = "--holdout", paramLabel = "F", defaultValue = "0.1", description = "Fraction held out when no --validation is given (default: ${DEFAULT-VALUE}).")
    double holdout;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Seed of the held-out split (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--max-iterations", paramLabel = "N", defaultValue = "1000", description = "L-BFGS iteration cap per fit (default: ${DEFAULT-VALUE}).")
    int maxIterations;

    @Option(names = "--cache-dir", paramLabel = "DIR", description = "Embedding cache (default: $JAVELIN_HOME/embeddings, ~/.cache/javelin/embeddings).")
    Path cacheDir;

    @Option(names = "--no-cache", description = "Embed every time; read and write no cache.")
    boolean noCache;

    @Mixin
    DataOptions dataOptions;

    @Override
    public Integer call() {
        return JsonLines.run(spec, () -> {
            long start = System.nanoTime();
            PrintWriter stdout = spec.commandLine().getOut();
            PrintWriter stderr = spec.commandLine().getErr();
            Dataset train = Dataset.forTraining(data, dataOptions.read(data), dataOptions.mapping());
            Dataset val = validation == null ? null
                    : Dataset.forModel(validation, dataOptions.read(validation), dataOptions.mapping(), train.classes());
            stderr.printf("training data: %d examples, classes %s%n", train.size(), train.classes());
            LogisticRegression.Options fit = new LogisticRegression.Options(
                    l2 == null ? LogisticRegression.DEFAULT_GRID : l2, holdout, seed, maxIterations);
            EmbeddingCache cache = noCache ? null
                    : new EmbeddingCache(cacheDir != null ? cacheDir : BundledModel.cacheRoot().resolve("embeddings"));
            ClassifierTrainer.Options options = new ClassifierTrainer.Options(model,
                    pooling == null ? null : Pooling.parse(pooling), normalize, fit, cache, true);
            ClassifierTrainer.Result result = ClassifierTrainer.train(data, train, val, out, options, line -> {
                stderr.println(line);
                stderr.flush();
            });
            stdout.println(result.fit().heldOut()
                    ? "validation: " + result.validation().total() + " examples held out of the training data"
                            + " (scored by the model fitted without them)"
                    : "validation: " + validation);
            stdout.print(result.validation().report());
            stdout.printf("%nwrote %s (λ=%.1e)%n", out, result.fit().l2());
            stdout.printf("time: embedding %.1f s, fitting %.1f s, total %.1f s%n",
                    result.trainEmbedding().seconds() + (result.validationEmbedding() == null ? 0 : result.validationEmbedding().seconds()),
                    result.fitSeconds(), (System.nanoTime() - start) / 1e9);
            return 0;
        });
    }
}
