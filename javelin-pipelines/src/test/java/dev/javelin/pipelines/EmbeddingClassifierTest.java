package dev.javelin.pipelines;

import dev.javelin.bundled.BundledModel;

import dev.javelin.engine.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddingClassifierTest {

    @TempDir
    Path dir;

    private static EmbeddingClassifier head(int dim) {
        float[][] weight = new float[3][dim];
        float[] bias = {0.5f, -0.25f, 0f};
        for (int c = 0; c < 3; c++) {
            for (int h = 0; h < dim; h++) weight[c][h] = (float) Math.sin(c * 31 + h) / 7;
        }
        return new EmbeddingClassifier("default", Pooling.MEAN, true, Map.of(0, "a", 1, "b", 2, "c"), weight, bias,
                Map.of("seed", 42));
    }

    @Test
    void savesAndLoadsTheSameHead() throws IOException {
        EmbeddingClassifier original = head(5);
        original.save(dir);
        assertThat(EmbeddingClassifier.isEmbeddingClassifier(dir)).isTrue();
        EmbeddingClassifier loaded = EmbeddingClassifier.load(dir);
        assertThat(loaded.id2label()).isEqualTo(original.id2label());
        assertThat(loaded.pooling()).isEqualTo(Pooling.MEAN);
        assertThat(loaded.normalize()).isTrue();
        assertThat(loaded.encoderSpec()).isNull();
        assertThat(loaded.training()).containsEntry("seed", 42);
        float[][] x = {{1, 2, 3, 4, 5}, {-1, 0, 0.5f, 0, 2}};
        assertThat(loaded.logits(x)).isDeepEqualTo(original.logits(x));
        String config = Files.readString(dir.resolve("config.json"));
        assertThat(config).contains("\"model_type\" : \"javelin-embedding-classifier\"").contains("\"label2id\"");
    }

    @Test
    void anEncoderInsideTheDirectoryMovesWithIt() throws IOException {
        Path first = dir.resolve("first");
        new EmbeddingClassifier(EmbeddingClassifier.BESIDE + "encoder", Pooling.MEAN, false, Map.of(0, "a", 1, "b"),
                new float[2][3], new float[2], null).save(first);
        Path moved = Files.move(first, dir.resolve("moved"));
        assertThat(EmbeddingClassifier.load(moved).encoderSpec()).isEqualTo(moved.toAbsolutePath().resolve("encoder").toString());

        Path config = moved.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("./encoder", "./../elsewhere"));
        assertThatThrownBy(() -> EmbeddingClassifier.load(moved))
                .hasMessageContaining(config + ": encoder.model \"./../elsewhere\" leads outside");
    }

    @Test
    void logitsAreWeightTimesFeaturesPlusBias() {
        float[][] weight = {{1, 2}, {-1, 0.5f}};
        EmbeddingClassifier h = new EmbeddingClassifier("default", Pooling.CLS, false, Map.of(0, "x", 1, "y"), weight,
                new float[] {0.25f, -1}, null);
        assertThat(h.logits(new float[][] {{3, -2}})).isDeepEqualTo(new float[][] {{3 - 4 + 0.25f, -3 - 1 - 1}});
        assertThatThrownBy(() -> h.logits(new float[][] {{1, 2, 3}})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void badDirectoriesGiveErrorsNamingTheFileAndKey() throws IOException {
        head(4).save(dir);
        Path config = dir.resolve("config.json");
        String good = Files.readString(config);
        Files.writeString(config, good.replace("\"mean\"", "\"median\""));
        assertThatThrownBy(() -> EmbeddingClassifier.load(dir)).hasMessageContaining(config + ": encoder.pooling");
        Files.writeString(config, good.replace("\"model\" : \"default\",", ""));
        assertThatThrownBy(() -> EmbeddingClassifier.load(dir)).hasMessageContaining(config + ": missing or non-string key encoder.model");
        Files.writeString(config, good.replace("\"2\" : \"c\"", "\"3\" : \"c\""));
        assertThatThrownBy(() -> EmbeddingClassifier.load(dir)).hasMessageContaining("id2label must number labels 0..2");
        Files.writeString(config, "{ not json");
        assertThatThrownBy(() -> EmbeddingClassifier.load(dir)).hasMessageContaining(config + ": not valid JSON");
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper().readTree(good);
        ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("id2label")).remove("2");
        Files.writeString(config, tree.toString());
        assertThatThrownBy(() -> EmbeddingClassifier.load(dir)).hasMessageContaining("do not fit 2 labels");
    }

    @Test
    void builtInSentimentModelGetsTheSeedExamplesRight() throws IOException {
        try (TextClassificationPipeline sentiment = Pipelines.textClassification((String) null)) {
            assertThat(sentiment.info().modelId()).isEqualTo(BundledModel.ALL_MINILM_L6_V2.modelId());
            // The embedded default embeds (all-MiniLM-L6-v2) and classifies (its SST-2 LoRA adapter, unmerged).
            assertThat(sentiment.info().kind()).isEqualTo(ModelInfo.Kind.EMBEDDING);
            assertThat(sentiment.info().predicts()).isTrue();
            List<List<Label>> out = sentiment.classify(List.of("This product is amazing!",
                    "Terrible quality, waste of money."), 0, null);
            assertThat(out.get(0).getFirst().label()).isEqualTo("POSITIVE");
            assertThat(out.get(1).getFirst().label()).isEqualTo("NEGATIVE");
            assertThat(out.get(0)).extracting(Label::label).containsExactlyInAnyOrder("NEGATIVE", "POSITIVE");
            assertThat(out.get(0).get(0).score() + out.get(0).get(1).score()).isCloseTo(1f, org.assertj.core.api.Assertions.within(1e-6f));
            // The single-text and best-label conveniences answer what the batch call ranks first.
            assertThat(sentiment.classify("This product is amazing!")).isEqualTo(out.get(0).getFirst());
            assertThat(sentiment.classify(List.of("This product is amazing!", "Terrible quality, waste of money.")))
                    .containsExactly(out.get(0).getFirst(), out.get(1).getFirst());
        }
    }

    @Test
    void classifierEncoderStillEmbedsAsItsEncoder() throws IOException {
        head(384).save(dir);
        try (Encoder plain = Encoder.loadDefault();
             Encoder withHead = Encoder.load(dir, "head")) {
            var batch = List.of(plain.tokenizer().encode("same pass, two uses"));
            assertThat(withHead.embed(batch, Pooling.MEAN)).isDeepEqualTo(plain.embed(batch, Pooling.MEAN));
            assertThat(withHead.info().pooling()).isEqualTo(plain.info().pooling());
            assertThat(withHead.predict(batch)[0]).hasSize(3);
            assertThatThrownBy(() -> plain.predict(batch)).isInstanceOf(UnsupportedOperationException.class);
        }
    }
}
