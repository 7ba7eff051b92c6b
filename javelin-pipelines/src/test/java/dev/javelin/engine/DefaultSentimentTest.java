package dev.javelin.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.javelin.io.source.DefaultModel;
import dev.javelin.models.PeftLora;
import dev.javelin.tokenizers.Encoding;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default model classifies with its LoRA adapter applied unmerged (y = W·x + s·B·(A·x)) over the
 * base's packed weights, and embeds with the base weights untouched.
 */
class DefaultSentimentTest {
    private static final List<String> TEXTS = List.of("This product is amazing!", "Terrible quality, waste of money.",
            "It's okay, nothing special.", "a " + "very ".repeat(120) + "long and rather dull review of a film that never ends");

    /**
     * Unmerged and merged compute the same function; only float32 rounding differs: the merged
     * weight W + s·B·A is rounded once per element (relative 2⁻²⁴ ≈ 6e-8), the unmerged sum adds
     * s·B·(A·x) after the product, in another order. Over 6 layers with LayerNorms that keep
     * activations near unit scale, such differences stay near 1e-6 relative; logits of magnitude
     * up to ~5 differ by a few 1e-6 (measured: 2.6e-6 on logits up to 4.0), so 2e-5 separates
     * rounding from any real difference (a wrong scale or a missing module moves logits by 1e-2 or more).
     */
    @Test
    void unmergedDefaultGivesTheMergedModelsLogits(@TempDir Path tmp) throws IOException {
        Path merged = tmp.resolve("merged");
        PeftLora.merge(DefaultModel.find().directory(), DefaultSentiment.directory(), merged, Map.of(0, "NEGATIVE", 1, "POSITIVE"));
        try (Engine unmerged = Engine.load(ModelSpec.DEFAULT); Engine reference = Engine.load(ModelSpec.of(merged.toString()))) {
            assertThat(reference.info().kind()).isEqualTo(ModelInfo.Kind.CLASSIFIER);
            List<Encoding> batch = new ArrayList<>();
            for (String t : TEXTS) batch.add(unmerged.encode(Input.of(t), Truncate.RIGHT));
            float[][] got = unmerged.logits(batch), want = reference.logits(batch);
            double worst = 0;
            for (int i = 0; i < TEXTS.size(); i++) {
                for (int c = 0; c < 2; c++) worst = Math.max(worst, Math.abs(got[i][c] - want[i][c]));
            }
            assertThat(worst).isLessThan(2e-5);
            // one at a time and in a batch: the packed batch changes nothing
            assertThat(unmerged.logits(batch.subList(0, 1))[0]).isEqualTo(got[0]);
        }
    }

    /** The adapter changes no bit of the default's embeddings: they are the plain base encoder's. */
    @Test
    void embeddingsAreTheBaseEncodersBitForBit() throws IOException {
        DefaultModel base = DefaultModel.find();
        try (Engine sentiment = Engine.load(ModelSpec.DEFAULT);
             Engine plain = Engine.load(ModelSpec.of(base.directory().toString()))) {
            List<Input> inputs = TEXTS.stream().map(Input::of).toList();
            assertThat(sentiment.embed(inputs, EmbedOptions.DEFAULT)).isDeepEqualTo(plain.embed(inputs, EmbedOptions.DEFAULT));
            assertThat(sentiment.embedAll(inputs, Truncate.RIGHT, null)).isDeepEqualTo(plain.embedAll(inputs, Truncate.RIGHT, null));
            assertThat(plain.info().predicts()).isFalse();
        }
    }
}
