package dev.javelin.cli;

import dev.javelin.engine.Pooling;
import dev.javelin.io.source.DefaultModel;
import dev.javelin.io.source.ModelSource;
import dev.javelin.train.data.Dataset;
import dev.javelin.train.finetune.FineTuneJob;
import dev.javelin.train.finetune.FineTuner;
import dev.javelin.train.finetune.TrainableBert;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "fine-tune", mixinStandardHelpOptions = true,
        description = {"Fine-tunes a BERT or DistilBERT encoder into a text classifier by backpropagation, with LoRA adapters or every weight.",
                "Reads CSV, TSV or JSON lines like train-classifier; writes a Hugging Face Bert/DistilBertForSequenceClassification",
                "directory (and, for LoRA, the PEFT adapter under adapter/) that classify, eval and serve load with --model.",
                "With --pooling mean: a train-classifier head over the fine-tuned encoder (in DIR/encoder) instead.",
                "Checkpoints go to DIR/checkpoint; rerunning the same command after an interruption resumes there."})
public final class FineTuneCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "ENCODER", description = "Base encoder: a BERT or DistilBERT model directory or Hugging Face id (default: the embedded all-MiniLM-L6-v2).")
    String model;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "Labelled training data (.csv, .tsv, .jsonl).")
    Path data;

    @Option(names = "--validation", paramLabel = "FILE", description = "Labelled validation data, scored after each epoch; the best epoch is kept.")
    Path validation;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Model directory to write (checkpoints in DIR/checkpoint).")
    Path out;

    @Option(names = "--method", defaultValue = "lora", paramLabel = "M", description = "lora or full (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--epochs", defaultValue = "1", paramLabel = "N", description = "Passes over the data (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--lr", paramLabel = "X", description = "Peak learning rate (default: 5e-4 for LoRA, 5e-5 for full).")
    Double lr;

    @Option(names = "--batch-tokens", defaultValue = "2048", paramLabel = "N", description = "Tokens per batch (default: ${DEFAULT-VALUE}).")
    int batchTokens;

    @Option(names = "--warmup", defaultValue = "0.06", paramLabel = "F", description = "Fraction of steps of linear warm-up (default: ${DEFAULT-VALUE}).")
    double warmup;

    @Option(names = "--weight-decay", defaultValue = "0.01", paramLabel = "λ", description = "AdamW's decoupled weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--max-grad-norm", defaultValue = "1.0", paramLabel = "X", description = "Gradient clipping norm, 0 for none (default: ${DEFAULT-VALUE}).")
    double maxGradNorm;

    @Option(names = "--dropout", defaultValue = "0.1", paramLabel = "P", description = "Dropout probability (default: ${DEFAULT-VALUE}).")
    float dropout;

    @Option(names = "--lora-rank", defaultValue = "8", paramLabel = "R", description = "LoRA rank (default: ${DEFAULT-VALUE}).")
    int loraRank;

    @Option(names = "--lora-alpha", defaultValue = "16", paramLabel = "A", description = "LoRA alpha; the update is scaled by alpha/rank (default: ${DEFAULT-VALUE}).")
    float loraAlpha;

    @Option(names = "--max-length", defaultValue = "128", paramLabel = "N", description = "Tokens per example after truncation (default: ${DEFAULT-VALUE}).")
    int maxLength;

    @Option(names = "--pooling", defaultValue = "cls", paramLabel = "cls|mean",
            description = "What the classifier reads: the first token through the model's own head (cls), or the mean of the tokens (default: ${DEFAULT-VALUE}).")
    String pooling;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "N", description = "Seed of initialisation, batch order and dropout (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--checkpoint-every", defaultValue = "100", paramLabel = "N", description = "Steps between checkpoints (default: ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Mixin
    DataOptions dataOptions;

    @Override
    public Integer call() {
        return JsonLines.run(spec, () -> {
            long start = System.nanoTime();
            PrintWriter stdout = spec.commandLine().getOut();
            PrintWriter stderr = spec.commandLine().getErr();
            boolean lora = switch (method) {
                case "lora" -> true;
                case "full" -> false;
                default -> throw new IllegalArgumentException("--method: expected lora or full, got '" + method + "'");
            };
            Dataset train = Dataset.forTraining(data, dataOptions.read(data), dataOptions.mapping());
            Dataset val = validation == null ? null
                    : Dataset.forModel(validation, dataOptions.read(validation), dataOptions.mapping(), train.classes());
            Path baseDir;
            String baseId;
            if (model == null) {
                DefaultModel d = DefaultModel.find();
                baseDir = d.directory();
                baseId = d.modelId();
            } else {
                baseDir = ModelSource.resolve(model);
                baseId = model;
            }
            FineTuner.Options training = new FineTuner.Options(epochs, lr != null ? lr : lora ? 5e-4 : 5e-5, batchTokens, warmup,
                    weightDecay, maxGradNorm, seed, out.resolve("checkpoint"), checkpointEvery, 0);
            FineTuneJob.Options options = new FineTuneJob.Options(training,
                    lora ? new TrainableBert.LoraOptions(loraRank, loraAlpha, TrainableBert.LoraOptions.ALL_PROJECTIONS) : null,
                    dropout, maxLength, Pooling.parse(pooling));
            FineTuner.Result r = FineTuneJob.run(baseDir, baseId, train, val, out, options, line -> {
                stderr.println(line);
                stderr.flush();
            });
            stdout.printf("trained %d steps, %.0f tokens/s over %.1f s of training%n", r.steps(), r.tokensPerSecond(), r.trainSeconds());
            if (!Double.isNaN(r.bestAccuracy())) stdout.printf("best validation accuracy %.2f%% (epoch %d)%n", 100 * r.bestAccuracy(), r.bestEpoch());
            stdout.printf("wrote %s%s in %.1f s%n", out, lora ? " (adapter in " + out.resolve("adapter") + ")" : "", (System.nanoTime() - start) / 1e9);
            return 0;
        });
    }
}
