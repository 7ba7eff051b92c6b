package dev.javelin.train.finetune;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.javelin.engine.Pooling;
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
 * Gradients of the whole tiny BERT and tiny DistilBERT against PyTorch: fixtures written by
 * {@code tools/fixtures/tiny_bert_gradients.py} (torch 1.13, float64 from the same float32 weights),
 * for full fine-tuning and for LoRA on every projection, plus the PEFT-layout adapters' logits, and
 * for DistilBERT a classifier on mean-pooled tokens (the mean-pooling backward inside the model).
 *
 * <p>Tolerance: the issue asks for every gradient within 1e-3 of PyTorch's, relative to its largest
 * element. Javelin computes in float32 (unit roundoff 6e-8) through ~10 chained layers whose sums
 * have ≤ 24 terms, so its errors are expected near 1e-6 relative (measured worst: 2.2e-6, a LoRA
 * factor); every tensor is held to 1e-4, ten times tighter than asked and still ~50 times above the
 * rounding seen, while a missing or wrong term of the chain rule shows as an O(1) error. One
 * exception in kind: the key projection's bias has an exactly zero gradient (adding q·b to a whole
 * row of scores leaves the softmax unchanged), so both sides hold rounding noise; it is checked to be
 * zero within 1e-7 of the model's largest gradient element, and its error, measured against the
 * larger of its own largest element and 1e-4 of that scale (the 1e-3 applies there; measured
 * up to 1e-4), as a ratio of noise to noise.
 */
class TorchGradientFixtureTest {
    /** One fixture directory: the packed batch and labels its gradients were computed for. */
    private record Fixture(Path dir, TrainableBert.Batch batch, int[] labels) {
        static Fixture read(String name) throws Exception {
            Path dir = Path.of(TorchGradientFixtureTest.class.getResource("/fixtures/" + name + "/inputs.json").toURI()).getParent();
            JsonNode in = new ObjectMapper().readTree(dir.resolve("inputs.json").toFile());
            int[] types = in.has("type_ids") ? ints(in.get("type_ids")) : null;
            return new Fixture(dir, new TrainableBert.Batch(ints(in.get("ids")), types, ints(in.get("lengths"))), ints(in.get("labels")));
        }
    }

    private static Fixture bert, distilbert;

    @TempDir
    Path tmp;

    @BeforeAll
    static void readInputs() throws Exception {
        bert = Fixture.read("tiny-bert");
        distilbert = Fixture.read("tiny-distilbert");
    }

    @Test
    void fullFineTuningMatchesPyTorch() throws Exception {
        TrainableBert model = TrainableBert.load(bert.dir().resolve("cls"), 3, 0f, null, 1);
        compare(bert, model, "full/");
    }

    @Test
    void loraMatchesPyTorch() throws Exception {
        TrainableBert model = TrainableBert.load(bert.dir().resolve("cls"), 3, 0f,
                new TrainableBert.LoraOptions(4, 8, TrainableBert.LoraOptions.ALL_PROJECTIONS), 1);
        loadAdapter(bert, model);
        compare(bert, model, "lora/");
    }

    @Test
    void distilBertFullFineTuningMatchesPyTorch() throws Exception {
        TrainableBert model = TrainableBert.load(distilbert.dir().resolve("cls"), 3, 0f, null, 1);
        assertThat(model.family()).isEqualTo(BertFamily.DISTILBERT);
        assertThat(model.params()).containsKeys("distilbert.transformer.layer.1.ffn.lin2.weight", "pre_classifier.weight")
                .doesNotContainKey("distilbert.embeddings.token_type_embeddings.weight");
        compare(distilbert, model, "full/");
    }

    @Test
    void distilBertLoraMatchesPyTorch() throws Exception {
        TrainableBert model = TrainableBert.load(distilbert.dir().resolve("cls"), 3, 0f,
                new TrainableBert.LoraOptions(4, 8, TrainableBert.LoraOptions.ALL_PROJECTIONS), 1);
        assertThat(model.lora().targets()).containsExactly("q_lin", "k_lin", "v_lin", "out_lin", "lin1", "lin2");
        loadAdapter(distilbert, model);
        compare(distilbert, model, "lora/");
    }

    @Test
    void distilBertMeanPooledHeadMatchesPyTorch() throws Exception {
        TrainableBert model = TrainableBert.load(distilbert.dir().resolve("cls"), 3, 0f, null, 1, Pooling.MEAN);
        assertThat(model.params()).doesNotContainKey("pre_classifier.weight");
        compare(distilbert, model, "mean/");
    }

    /** The PEFT adapter over the bare base: merged and loaded by the inference engine, the same logits as PyTorch's unmerged LoRA. */
    @Test
    void peftAdapterMergedGivesTheAdaptedLogits() throws Exception {
        checkMergedAdapter(bert, "BertForSequenceClassification");
    }

    @Test
    void distilBertPeftAdapterMergedGivesTheAdaptedLogits() throws Exception {
        checkMergedAdapter(distilbert, "DistilBertForSequenceClassification");
    }

    private void checkMergedAdapter(Fixture f, String architecture) throws Exception {
        Path merged = tmp.resolve("merged");
        PeftLora.merge(f.dir().resolve("base"), f.dir().resolve("adapter"), merged, Map.of(0, "L0", 1, "L1", 2, "L2"));
        assertThat(Files.readString(merged.resolve("config.json"))).contains(architecture).contains("\"L2\"");
        float[] engine;
        try (LoadedModel m = Models.load(merged)) {
            int[][] ids = split(f, f.batch().ids());
            TokenBatch tb = TokenBatch.of(ids, f.batch().typeIds() == null ? null : split(f, f.batch().typeIds()));
            Workspace ws = new Workspace();
            engine = m.classifier().head(m.encoder().forward(tb, ws), tb.sequences(), ws).toArray();
        }
        TrainableBert adapted = TrainableBert.load(f.dir().resolve("cls"), 3, 0f,
                new TrainableBert.LoraOptions(4, 8, TrainableBert.LoraOptions.ALL_PROJECTIONS), 1);
        loadAdapter(f, adapted);
        float[] unmerged;
        try (TrainableBert.Pass pass = adapted.forward(f.batch(), false, 0)) {
            unmerged = pass.logits();
        }
        try (SafeTensors expected = SafeTensors.open(f.dir().resolve("expected.safetensors"))) {
            float[] torch = expected.tensor("lora/logits").toArray();
            double mergedErr = maxRelative(engine, torch), unmergedErr = maxRelative(unmerged, torch);
            System.out.printf("%s PEFT adapter logits vs PyTorch: merged (engine) %.2e, unmerged (trainer) %.2e%n",
                    f.dir().getFileName(), mergedErr, unmergedErr);
            // float32 forward passes of different association orders: rounding only, ~1e-6
            assertThat(mergedErr).isLessThan(1e-4);
            assertThat(unmergedErr).isLessThan(1e-4);
        }
    }

    private void compare(Fixture f, TrainableBert model, String prefix) throws Exception {
        for (Param p : model.trainable()) p.zeroGrad();
        float[] logits;
        double loss;
        try (TrainableBert.Pass pass = model.forward(f.batch(), true, 1)) {
            logits = pass.logits();
            float[] d = new float[logits.length];
            loss = SoftmaxCrossEntropy.lossAndGradient(logits, f.labels(), 3, d);
            pass.backward(d);
        }
        try (SafeTensors expected = SafeTensors.open(f.dir().resolve("expected.safetensors"))) {
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
                if (p.name().endsWith("attention.self.key.bias") || p.name().endsWith("attention.k_lin.bias")) {
                    assertThat(maxAbs(p.grad())).as("%s is analytically zero", p.name()).isLessThan(1e-7 * modelScale);
                    assertThat(err).as("%s gradient relative to PyTorch", p.name()).isLessThanOrEqualTo(1e-3);
                    compared++;
                    continue;
                }
                if (err > worst) {
                    worst = err;
                    worstName = p.name();
                }
                assertThat(err).as("%s gradient relative to PyTorch", p.name()).isLessThanOrEqualTo(1e-4);
                compared++;
            }
            System.out.printf("%s %s %d gradient tensors vs PyTorch: worst relative error %.2e (%s), key biases aside%n", f.dir().getFileName(), prefix,
                    compared, worst, worstName);
            assertThat(compared).isEqualTo(expected.names().stream().filter(n -> n.startsWith(prefix) && !n.endsWith("logits") && !n.endsWith("loss")).count());
        }
    }

    private static void loadAdapter(Fixture f, TrainableBert model) throws Exception {
        try (SafeTensors adapter = SafeTensors.open(f.dir().resolve("adapter").resolve(PeftLora.WEIGHTS))) {
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

    private static int[][] split(Fixture f, int[] packed) {
        int[] lengths = f.batch().lengths();
        int[][] out = new int[lengths.length][];
        int at = 0;
        for (int s = 0; s < out.length; s++) {
            out[s] = java.util.Arrays.copyOfRange(packed, at, at + lengths[s]);
            at += lengths[s];
        }
        return out;
    }

    private static int[] ints(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).mapToInt(JsonNode::asInt).toArray();
    }
}
