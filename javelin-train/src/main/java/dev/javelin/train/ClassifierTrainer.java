package dev.javelin.train;

import dev.javelin.engine.EmbeddingClassifier;
import dev.javelin.engine.Engine;
import dev.javelin.engine.ModelInfo;
import dev.javelin.engine.ModelSpec;
import dev.javelin.engine.Pooling;
import dev.javelin.train.data.Dataset;
import dev.javelin.train.embed.EmbeddingCache;
import dev.javelin.train.embed.TextEmbedder;
import dev.javelin.train.linear.LogisticRegression;
import dev.javelin.train.linear.SoftmaxHead;
import dev.javelin.train.metrics.ClassificationMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code train-classifier}: embeds the training texts with a frozen encoder, fits a logistic-regression
 * head on them, and writes a model directory that {@code Pipelines.textClassification} loads.
 */
public final class ClassifierTrainer {

    /**
     * @param encoder   model spec of the encoder (as {@code --model}); null for the embedded default
     * @param pooling   null for the encoder's own (its sentence-transformers pooling)
     * @param normalize null for the encoder's own
     * @param cache     null to embed every time
     * @param progress  draw progress bars on stderr
     */
    public record Options(String encoder, Pooling pooling, Boolean normalize, LogisticRegression.Options fit,
                          EmbeddingCache cache, boolean progress) {
    }

    /** What training produced: the model, the fit, metrics on the validation data, and timings. */
    public record Result(EmbeddingClassifier model, LogisticRegression.Fit fit, ClassificationMetrics validation,
                         TextEmbedder.Stats trainEmbedding, TextEmbedder.Stats validationEmbedding, double fitSeconds) {
    }

    private ClassifierTrainer() {
    }

    /**
     * @param validation null to hold out part of {@code train} for choosing the regularisation
     * @param out        the model directory to write
     */
    public static Result train(Path trainFile, Dataset train, Dataset validation, Path out, Options options,
                               Consumer<String> log) throws IOException {
        if (validation != null && !validation.classes().equals(train.classes())) {
            throw new IllegalArgumentException("validation data must be labelled with the training classes "
                    + train.classes() + ", not " + validation.classes());
        }
        if (validation != null && validation.hasPairs() != train.hasPairs()) {
            throw new IllegalArgumentException("training and validation data must both be pairs, or both single texts");
        }
        try (Engine encoder = Engine.load(ModelSpec.of(options.encoder()))) {
            ModelInfo info = encoder.info();
            encoder.requireEmbeds();
            Pooling pooling = options.pooling() != null ? options.pooling() : info.pooling();
            boolean normalize = options.normalize() != null ? options.normalize() : info.normalize();
            String reference = encoderReference(options.encoder());
            log.accept(String.format("encoder %s (%s, hidden size %d), pooling %s%s", reference, info.modelId(),
                    info.hiddenSize(), pooling.name().toLowerCase(java.util.Locale.ROOT), normalize ? " + normalize" : ""));
            String identity = reference + "|" + info.modelId() + "|" + info.modelType() + "|" + info.hiddenSize()
                    + "|" + info.maxInputLength();
            TextEmbedder embedder = new TextEmbedder(encoder, identity, pooling, normalize, options.cache(), options.progress());

            float[][] x = embedder.embed("embedding training texts", train.texts(), train.pairs());
            TextEmbedder.Stats trainStats = embedder.lastStats();
            log.accept(describe("training", trainStats));
            float[][] valX = null;
            TextEmbedder.Stats valStats = null;
            if (validation != null) {
                valX = embedder.embed("embedding validation texts", validation.texts(), validation.pairs());
                valStats = embedder.lastStats();
                log.accept(describe("validation", valStats));
            }

            long fitStart = System.nanoTime();
            LogisticRegression.Fit fit = LogisticRegression.fit(x, train.labels(), train.classes().size(), valX,
                    validation == null ? null : validation.labels(), options.fit(), log);
            double fitSeconds = (System.nanoTime() - fitStart) / 1e9;

            ClassificationMetrics metrics = ClassificationMetrics.of(fit.validationLabels(), fit.validationPredictions(),
                    train.classes());
            Map<String, Object> provenance = new LinkedHashMap<>();
            provenance.put("data", trainFile.getFileName().toString());
            provenance.put("examples", train.size());
            provenance.put("l2", fit.l2());
            provenance.put("seed", options.fit().seed());
            provenance.put("validation", fit.heldOut()
                    ? String.format("%.0f%% held out of the training data", options.fit().holdoutFraction() * 100)
                    : "separate file");
            provenance.put("validation_accuracy", metrics.accuracy());
            provenance.put("validation_macro_f1", metrics.macroF1());
            SoftmaxHead head = fit.head();
            EmbeddingClassifier model = new EmbeddingClassifier(reference, pooling, normalize, train.id2label(),
                    head.weight(), head.bias(), provenance);
            model.save(out);
            return new Result(model, fit, metrics, trainStats, valStats, fitSeconds);
        }
    }

    /** How the model directory refers to the encoder: "default", an absolute local path, or a Hub id. */
    static String encoderReference(String spec) {
        if (spec == null) {
            return EmbeddingClassifier.DEFAULT_ENCODER;
        }
        Path local = Path.of(spec);
        return Files.isDirectory(local) ? local.toAbsolutePath().normalize().toString() : spec;
    }

    private static String describe(String what, TextEmbedder.Stats stats) {
        return stats.cached()
                ? String.format("%s: %d texts (%d distinct) from the embedding cache", what, stats.inputs(), stats.distinct())
                : String.format("%s: embedded %d distinct of %d texts in %.1f s (%.0f texts/s)", what, stats.distinct(),
                        stats.inputs(), stats.seconds(), stats.distinct() / stats.seconds());
    }
}
