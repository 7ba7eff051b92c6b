package dev.javelin.train.finetune;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.javelin.io.safetensors.SafeTensors;
import dev.javelin.kernels.SoftmaxCrossEntropy;
import dev.javelin.models.LoadedModel;
import dev.javelin.models.Models;
import dev.javelin.models.PeftLora;
import dev.javelin.models.TokenBatch;
import dev.javelin.nn.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gradients of the whole tiny BERT against PyTorch: fixtures written by
 * {@code tools/fixtures/tiny_bert_gradients.py} (torch 1.13, float64 from the same float32 weights),
 * for full fine-tuning and for LoRA on every projection, plus the PEFT-layout adapter's logits.
 *
 * <p>Tolerance: every gradient tensor within 1e-3 of PyTorch's relative to its largest element, as
 * the issue asks. One exception in kind: the key projection's bias has an exactly zero gradient
 * (adding q·b to a whole row of scores leaves the softmax unchanged), so both sides hold rounding
 * noise; a tensor is therefore measured against the larger of its own largest element and 1e-4 of
 * the largest gradient element of the model, and that zero is checked to within 1e-7 of that scale. Javelin computes in float32 (unit roundoff 6e-8) through ~10 chained layers whose
 * sums have ≤ 24 terms, so its errors are expected near 1e-6 relative; 1e-3 leaves room for
 * nothing but rounding, while a missing or wrong term of the chain rule shows as an O(1) error.
 */
class TorchGradientFixtureTest {
    private static Path fixtures;
    private static TrainableBert.Batch batch;
    private static int[] labels;

    @TempDir
    Path tmp;

    @BeforeAll
    static void readInputs() throws Exception {
        fixtures = Path.of(TorchGradientFixtureTest.class.getResource("/fixtures/tiny-bert/inputs.json").toURI()).getParent();
        JsonNode in = new ObjectMapper().readTree(fixtures.resolve("inputs.json").toFile());
        batch = new TrainableBert.Batch(ints(in.get("ids")), ints(in.get("type_ids")), ints(in.get("lengths")));
        labels = ints(in.get("labels"));
    }

    @Test
    void fullFineTuningMatchesPyTorch() throws Exception {
        TrainableBert model = TrainableBert.load(fixtures.resolve("cls"), 3, 0f, null, 1);
        compare(model, "full/");
    }

    @Test
    void loraMatchesPyTorch() throws Exception {
        TrainableBert model = TrainableBert.load(fixtures.resolve("cls"), 3, 0f,
                new TrainableBert.LoraOptions(4, 8, TrainableBert.LoraOptions.ALL_PROJECTIONS), 1);
        loadAdapter(model);
        compare(model, "lora/");
    }

    /** The PEFT adapter over the bare base: merged and loaded by the inference engine, the same logits as PyTorch's unmerged LoRA. */
    @Test
    void peftAdapterMergedGivesTheAdaptedLogits() throws Exception {
        Path merged = tmp.resolve("merged");
        PeftLora.merge(fixtures.resolve("base"), fixtures.resolve("adapter"), merged, Map.of(0, "L0", 1, "L1", 2, "L2"));
        assertThat(Files.readString(merged.resolve("config.json"))).contains("BertForSequenceClassification").contains("\"L2\"");
        float[] engine;
        try (LoadedModel m = Models.load(merged)) {
            int[][] ids = split(batch.ids()), types = split(batch.typeIds());
            TokenBatch tb = TokenBatch.of(ids, types);
            Workspace ws = new Workspace();
            engine = m.classifier().head(m.encoder().forward(tb, ws), tb.sequences(), ws).toArray();
        }
        TrainableBert adapted = TrainableBert.load(fixtures.resolve("cls"), 3, 0f,
                new TrainableBert.LoraOptions(4, 8, TrainableBert.LoraOptions.ALL_PROJECTIONS), 1);
        loadAdapter(adapted);
        float[] unmerged;
        try (TrainableBert.Pass pass = adapted.forward(batch, false, 0)) {
            unmerged = pass.logits();
        }
        try (SafeTensors expected = SafeTensors.open(fixtures.resolve("expected.safetensors"))) {
            float[] torch = expected.tensor("lora/logits").toArray();
            double mergedErr = maxRelative(engine, torch), unmergedErr = maxRelative(unmerged, torch);
            System.out.printf("PEFT adapter logits vs PyTorch: merged (engine) %.2e, unmerged (trainer) %.2e%n", mergedErr, unmergedErr);
            // float32 forward passes of different association orders: rounding only, ~1e-6
            assertThat(mergedErr).isLessThan(1e-4);
            assertThat(unmergedErr).isLessThan(1e-4);
        }
    }

    private void compare(TrainableBert model, String prefix) throws Exception {
        for (Param p : model.trainable()) p.zeroGrad();
        float[] logits;
        double loss;
        try (TrainableBert.Pass pass = model.forward(batch, true, 1)) {
            logits = pass.logits();
            float[] d = new float[logits.length];
            loss = SoftmaxCrossEntropy.lossAndGradient(logits, labels, 3, d);
            pass.backward(d);
        }
        try (SafeTensors expected = SafeTensors.open(fixtures.resolve("expected.safetensors"))) {
            assertThat(maxRelative(logits, expected.tensor(prefix + "logits").toArray())).isLessThan(1e-5);
            assertThat(loss).isCloseTo(expected.tensor(prefix + "loss").getFlat(0), org.assertj.core.data.Offset.offset(1e-5));
            int compared = 0;
            double worst = 0, modelScale = 0;
            String worstName = "";
            for (Param p : model.trainable()) {
                String name = prefix + p.name();
                assertThat(expected.names()).as("PyTorch gradient of %s", p.name()).contains(name);
                modelScale = Math.max(modelScale, maxAbs(expected.tensor(name).toArray()));
            }
            for (Param p : model.trainable()) {
                float[] want = expected.tensor(prefix + p.name()).toArray();
                double err = maxError(p.grad(), want) / Math.max(maxAbs(want), 1e-4 * modelScale);
                if (p.name().endsWith("attention.self.key.bias")) {
                    assertThat(maxAbs(p.grad())).as("%s is analytically zero", p.name()).isLessThan(1e-7 * modelScale);
                }
                if (err > worst) {
                    worst = err;
                    worstName = p.name();
                }
                assertThat(err).as("%s gradient relative to PyTorch", p.name()).isLessThanOrEqualTo(1e-3);
                compared++;
            }
            System.out.printf("%s %d gradient tensors vs PyTorch: worst relative error %.2e (%s)%n", prefix, compared, worst, worstName);
            assertThat(compared).isEqualTo(expected.names().stream().filter(n -> n.startsWith(prefix) && !n.endsWith("logits") && !n.endsWith("loss")).count());
        }
    }

    private static void loadAdapter(TrainableBert model) throws Exception {
        try (SafeTensors adapter = SafeTensors.open(fixtures.resolve("adapter").resolve(PeftLora.WEIGHTS))) {
            for (Param p : model.trainable()) {
                if (!p.name().contains(".lora_")) continue;
                p.value().copyFrom(adapter.tensor(PeftLora.PREFIX + p.name()).toArray());
                p.changed();
            }
        }
    }

    /** max |a − b| / max |b|. */
    private static double maxRelative(float[] got, float[] want) {
        return maxError(got, want) / maxAbs(want);
    }

    private static double maxError(float[] got, float[] want) {
        assertThat(got).hasSameSizeAs(want);
        double err = 0;
        for (int i = 0; i < want.length; i++) err = Math.max(err, Math.abs(got[i] - want[i]));
        return err;
    }

    private static double maxAbs(float[] v) {
        double m = 0;
        for (float x : v) m = Math.max(m, Math.abs(x));
        return m;
    }

    private static int[][] split(int[] packed) {
        int[][] out = new int[batch.lengths().length][];
        int at = 0;
        for (int s = 0; s < out.length; s++) {
            out[s] = java.util.Arrays.copyOfRange(packed, at, at + batch.lengths()[s]);
            at += batch.lengths()[s];
        }
        return out;
    }

    private static int[] ints(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).mapToInt(JsonNode::asInt).toArray();
    }
}
