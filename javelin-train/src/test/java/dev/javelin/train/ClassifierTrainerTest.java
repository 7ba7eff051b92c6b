package dev.javelin.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.javelin.engine.BundledModel;
import dev.javelin.engine.EmbeddingClassifier;
import dev.javelin.engine.Encoder;
import dev.javelin.engine.Label;
import dev.javelin.pipelines.Pipelines;
import dev.javelin.engine.ScoreFunction;
import dev.javelin.pipelines.TextClassificationPipeline;
import dev.javelin.tokenizers.Encoding;
import dev.javelin.train.data.Columns;
import dev.javelin.train.data.Dataset;
import dev.javelin.train.data.DatasetReader;
import dev.javelin.train.data.LabelMapping;
import dev.javelin.train.embed.EmbeddingCache;
import dev.javelin.train.linear.LogisticRegression;
import dev.javelin.train.metrics.ClassificationMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trains on generated data with the real embedded encoder (all-MiniLM-L6-v2) end to end. */
class ClassifierTrainerTest {

    @TempDir
    static Path dir;

    static Path trainFile;
    static Dataset train;
    static Path modelDir;
    static ClassifierTrainer.Result result;
    static ClassifierTrainer.Options options;

    @BeforeAll
    static void trainOnce() throws IOException {
        trainFile = Files.writeString(dir.resolve("train.csv"), GeneratedTopics.csv(40, 1));
        train = Dataset.forTraining(trainFile, DatasetReader.read(trainFile, Columns.detect()), LabelMapping.none());
        options = new ClassifierTrainer.Options(null, null, null, LogisticRegression.Options.defaults(),
                new EmbeddingCache(dir.resolve("cache")), false);
        modelDir = dir.resolve("model");
        result = ClassifierTrainer.train(trainFile, train, null, modelDir, options, line -> { });
    }

    @Test
    void learnsTheGeneratedTopicsAndGeneralisesToNewSentences() throws IOException {
        assertThat(train.classes()).isEqualTo(GeneratedTopics.CLASSES);
        assertThat(result.trainEmbedding().cached()).isFalse();
        Path testFile = Files.writeString(dir.resolve("test.csv"), GeneratedTopics.csv(30, 2));
        try (TextClassificationPipeline pipeline = Pipelines.textClassification(modelDir.toString())) {
            Dataset test = Dataset.forModel(testFile, DatasetReader.read(testFile, Columns.detect()), LabelMapping.none(),
                    pipeline.info().labels());
            ClassificationMetrics metrics = ClassifierEvaluator.evaluate(pipeline, test, false);
            assertThat(metrics.total()).isEqualTo(90);
            assertThat(metrics.accuracy()).isGreaterThanOrEqualTo(0.95);
            assertThat(metrics.macroF1()).isGreaterThanOrEqualTo(0.95);
        }
    }

    @Test
    void savedModelReloadsToIdenticalScores() throws IOException {
        EmbeddingClassifier trained = result.model();
        EmbeddingClassifier reloaded = EmbeddingClassifier.load(modelDir);
        assertThat(reloaded.id2label()).isEqualTo(trained.id2label());
        assertThat(reloaded.encoder()).isEqualTo("default");
        List<String> texts = GeneratedTopics.examples(5, 3).stream().map(GeneratedTopics.Example::text).toList();
        float[][] logits;
        try (Encoder encoder = Encoder.load(BundledModel.ALL_MINILM_L6_V2)) {
            List<Encoding> batch = texts.stream().map(encoder.tokenizer()::encode).toList();
            float[][] features = trained.features(encoder, batch);
            logits = trained.logits(features);
            // Same embeddings in, bit-identical logits out: the head survives the round trip exactly.
            assertThat(reloaded.logits(features)).isDeepEqualTo(logits);
        }
        List<List<Label>> viaPipeline;
        try (TextClassificationPipeline pipeline = Pipelines.textClassification(modelDir.toString())) {
            viaPipeline = pipeline.classify(texts, 0, null);
        }
        for (int i = 0; i < texts.size(); i++) {
            float[] probabilities = ScoreFunction.SOFTMAX.apply(logits[i]);
            List<Label> got = viaPipeline.get(i);
            assertThat(got).hasSize(3);
            for (Label label : got) {
                int id = GeneratedTopics.CLASSES.indexOf(label.label());
                // The loaded pipeline re-embeds the texts: the engine's vector kernels may round the last
                // bit differently between JIT tiers, so the scores agree to float precision, not bitwise.
                assertThat(label.score()).as(texts.get(i)).isCloseTo(probabilities[id], within(1e-5f));
            }
        }
    }

    @Test
    void sameSeedGivesTheSameWeightsAndTheSecondRunEmbedsNothing() throws IOException {
        Path again = dir.resolve("model-again");
        ClassifierTrainer.Result second = ClassifierTrainer.train(trainFile, train, null, again, options, line -> { });
        assertThat(second.trainEmbedding().cached()).isTrue();
        assertThat(Files.readAllBytes(again.resolve("model.safetensors")))
                .isEqualTo(Files.readAllBytes(modelDir.resolve("model.safetensors")));
        assertThat(second.fit().l2()).isEqualTo(result.fit().l2());
    }

    @Test
    void heldOutValidationIsStratifiedAndReported() {
        assertThat(result.fit().heldOut()).isTrue();
        // 10% of 40 per class
        assertThat(result.validation().total()).isEqualTo(12);
        assertThat(result.validation().accuracy()).isGreaterThanOrEqualTo(0.9);
    }
}
