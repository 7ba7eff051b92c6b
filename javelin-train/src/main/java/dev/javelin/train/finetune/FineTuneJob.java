package dev.javelin.train.finetune;

import dev.javelin.engine.Pooling;
import dev.javelin.tokenizers.Encoding;
import dev.javelin.tokenizers.Tokenizer;
import dev.javelin.tokenizers.Truncation;
import dev.javelin.train.data.Dataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A whole fine-tuning run from labelled text: tokenise with the base model's tokenizer, load the base
 * as a trainable classifier, train (resuming from a checkpoint in {@code out} when one is there), and
 * write the best model into {@code out}.
 */
public final class FineTuneJob {
    /**
     * @param maxLength tokens per example after truncation (special tokens included)
     * @param lora      LoRA's settings, or null for full fine-tuning
     * @param pooling   what the head reads: the first token (HF's task head) or the mean of the tokens
     */
    public record Options(FineTuner.Options training, TrainableBert.LoraOptions lora, float dropout, int maxLength, Pooling pooling) {}

    private FineTuneJob() {}

    public static FineTuner.Result run(Path baseDir, String baseModelId, Dataset train, Dataset validation, Path out, Options o,
                                       Consumer<String> progress) throws IOException {
        Path tokenizerFile = baseDir.resolve("tokenizer.json");
        if (!Files.isRegularFile(tokenizerFile)) throw new IOException(baseDir + " has no tokenizer.json");
        Tokenizer tokenizer = Tokenizer.fromFile(tokenizerFile).withoutPadding().withTruncation(Truncation.of(o.maxLength()));
        List<FineTuner.Example> trainExamples = examples(tokenizer, train);
        List<FineTuner.Example> valExamples = validation == null ? null : examples(tokenizer, validation);
        long tokens = trainExamples.stream().mapToLong(e -> e.ids().length).sum();
        progress.accept(String.format("training data: %d examples, %d tokens, classes %s%s", train.size(), tokens, train.classes(),
                validation == null ? "" : "; validation: " + validation.size() + " examples"));
        TrainableBert model = TrainableBert.load(baseDir, train.classes().size(), o.dropout(), o.lora(), o.training().seed(),
                o.pooling());
        long trainable = model.trainable().stream().mapToLong(Param::size).sum();
        long all = model.params().values().stream().mapToLong(Param::size).sum();
        progress.accept(String.format("%s: %,d of %,d parameters train (%s)", baseModelId, trainable, all,
                model.lora() == null ? "full fine-tuning" : "LoRA r=" + model.lora().rank() + " α=" + model.lora().alpha() + " on "
                        + model.lora().targets()));
        FineTuner.Result result = FineTuner.train(model, trainExamples, valExamples, o.training(), progress);
        if (result.finished()) ClassifierExport.write(model, baseDir, baseModelId, out, train.id2label());
        return result;
    }

    static List<FineTuner.Example> examples(Tokenizer tokenizer, Dataset data) {
        List<Encoding> encodings = data.hasPairs()
                ? tokenizer.encodeBatch(data.texts(), data.pairs(), true)
                : tokenizer.encodeBatch(data.texts(), true);
        List<FineTuner.Example> out = new ArrayList<>(encodings.size());
        for (int i = 0; i < encodings.size(); i++) {
            Encoding e = encodings.get(i);
            if (e.ids().length == 0) throw new IllegalArgumentException("example " + (i + 1) + " has no tokens");
            out.add(new FineTuner.Example(e.ids(), e.typeIds(), data.labels()[i]));
        }
        return out;
    }
}
