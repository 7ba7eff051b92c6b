package dev.javelin.engine;

import dev.javelin.bundled.BundledModel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.javelin.tokenizers.Encoding;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the engine decides at load, and the rules of its three stages, on the embedded default. Two
 * forward passes of the same input are compared bit for bit (JitTierIndependenceTest says why they can be).
 */
class EngineTest {
    private static Engine engine;

    @BeforeAll
    static void load() throws IOException {
        engine = Engine.load(ModelSpec.DEFAULT);
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    @Test
    void noModelIsTheEmbeddedDefaultThatEmbedsAndClassifies() {
        ModelInfo info = engine.info();
        assertThat(info.modelId()).isEqualTo(BundledModel.ALL_MINILM_L6_V2.modelId());
        assertThat(info.kind()).isEqualTo(ModelInfo.Kind.EMBEDDING);
        assertThat(info.embeds()).isTrue();
        assertThat(info.predicts()).isTrue();
        assertThat(info.reranks()).isFalse();
        assertThat(info.labels()).containsExactly("NEGATIVE", "POSITIVE");
        assertThat(info.scoreFunction()).isEqualTo(ScoreFunction.SOFTMAX);
        assertThat(info.pooling()).isEqualTo(Pooling.MEAN);
        assertThat(info.normalize()).isTrue();
        assertThatThrownBy(engine::requireReranks).isInstanceOf(UnsupportedTaskException.class)
                .hasMessage("model is not a re-ranker model");
    }

    @Test
    void theOneShotMethodsAreTheThreeStages() {
        List<Input> inputs = List.of(Input.of("The cat sits on the mat."), Input.of("question?", "answer."));
        float[][] embedded = engine.embed(inputs, EmbedOptions.DEFAULT);
        List<Encoding> batch = inputs.stream().map(i -> engine.encode(i, Truncate.RIGHT)).toList();
        float[][] pooled = engine.pooled(batch);
        for (int i = 0; i < inputs.size(); i++) {
            assertThat(engine.embedding(pooled[i], EmbedOptions.DEFAULT)).containsExactly(Vectors.normalized(pooled[i]));
            assertThat(embedded[i]).containsExactly(Vectors.normalized(pooled[i]));
        }
        float[] cut = engine.embedding(pooled[0], new EmbedOptions(Truncate.RIGHT, false, 8));
        assertThat(cut).containsExactly(java.util.Arrays.copyOf(pooled[0], 8));

        List<List<Label>> labels = engine.predict(inputs, new PredictOptions(Truncate.RIGHT, ScoreFunction.NONE, 1));
        float[][] logits = engine.logits(batch);
        assertThat(labels.getFirst()).hasSize(1);
        assertThat(labels.getFirst().getFirst().score())
                .isEqualTo(Math.max(logits[0][0], logits[0][1]));
    }

    @Test
    void encodingRefusesWhatTheModelCannotTake() {
        assertThatThrownBy(() -> engine.encode(Input.of(""), Truncate.RIGHT)).isInstanceOfSatisfying(InputException.class,
                e -> assertThat(e.isEmpty()).isTrue());
        String longText = "word ".repeat(300);
        assertThatThrownBy(() -> engine.encode(Input.of(longText), Truncate.NONE))
                .hasMessage("`inputs` must have less than 256 tokens. Given: 302");
        Encoding right = engine.encode(Input.of(longText + "finale"), Truncate.RIGHT);
        Encoding left = engine.encode(Input.of(longText + "finale"), Truncate.LEFT);
        assertThat(right.length()).isEqualTo(256);
        assertThat(left.tokens()[254]).isEqualTo("finale");
        assertThat(right.tokens()[254]).isEqualTo("word");
        assertThatThrownBy(() -> engine.encode(new Input.Ids(new int[] {101, 999_999, 102}), Truncate.RIGHT))
                .hasMessage("token id 999999 is not in the model's vocabulary");
        String huge = "x".repeat(256 * Engine.MAX_CHAR_MULTIPLIER + 1);
        assertThatThrownBy(() -> engine.encode(Input.of(huge), Truncate.NONE)).hasMessageContaining("characters. Given: " + (256 * Engine.MAX_CHAR_MULTIPLIER + 1));
        assertThatThrownBy(() -> engine.checkDimensions(385)).hasMessageContaining("maximum embedding dimension");
    }

    @Test
    void specOverridesAndTheBatchBudgetAreDecidedAtLoad() throws IOException {
        try (Engine cls = Engine.load(new ModelSpec(null, Pooling.CLS, false))) {
            assertThat(cls.info().pooling()).isEqualTo(Pooling.CLS);
            assertThat(cls.info().normalize()).isFalse();
            Encoding e = cls.encode(Input.of("hello"), Truncate.RIGHT);
            assertThat(cls.embed(List.of(Input.of("hello")), EmbedOptions.DEFAULT)[0])
                    .containsExactly(cls.tokenVectors(List.of(e))[0][0]);
        }
        assertThatThrownBy(() -> Engine.load(ModelSpec.DEFAULT, new Batcher(64, 0)))
                .hasMessage("the batch token budget (64) must be at least the model's max input length (256)");
    }
}
