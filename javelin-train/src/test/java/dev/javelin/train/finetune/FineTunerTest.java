package dev.javelin.train.finetune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training loop on the tiny BERT: it learns, it is reproducible, and an interrupted run resumes to the same weights. */
class FineTunerTest {
    @TempDir
    Path dir;

    /** Label 1 when token 3 occurs in the sequence: attention must carry it to the first token. */
    private static List<FineTuner.Example> data(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<FineTuner.Example> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int len = 2 + r.nextInt(7);
            int[] ids = new int[len];
            ids[0] = 1;
            boolean has = false;
            for (int j = 1; j < len; j++) {
                ids[j] = 4 + r.nextInt(TinyBert.VOCAB - 4);
                if (r.nextInt(4) == 0) {
                    ids[j] = 3;
                    has = true;
                }
            }
            out.add(new FineTuner.Example(ids, new int[len], has ? 1 : 0));
        }
        return out;
    }

    private FineTuner.Options options(Path checkpoints, int epochs, long stopAfter) {
        return new FineTuner.Options(epochs, 3e-3, 60, 0.1, 0.01, 1.0, 5, checkpoints, 3, stopAfter);
    }

    private TrainableBert model(TrainableBert.LoraOptions lora) throws IOException {
        Path base = dir.resolve("base");
        if (!Files.exists(base)) TinyBert.write(base, 3);
        return TrainableBert.load(base, 2, 0.1f, lora, 9);
    }

    private static Map<String, float[]> weights(TrainableBert m) {
        Map<String, float[]> w = new TreeMap<>();
        for (Param p : m.params().values()) w.put(p.name(), p.value().toArray());
        return w;
    }

    @Test
    void fullFineTuningLearnsTheTask() throws IOException {
        List<FineTuner.Example> train = data(400, 1), val = data(200, 2);
        TrainableBert m = model(null);
        double before = FineTuner.accuracy(m, val, 60);
        FineTuner.Result r = FineTuner.train(m, train, val, options(null, 8, 0), line -> {});
        assertThat(r.finished()).isTrue();
        assertThat(r.bestAccuracy()).isGreaterThan(0.9).isGreaterThan(before + 0.2);
        // the best epoch's parameters are what the model holds at the end
        assertThat(FineTuner.accuracy(m, val, 60)).isEqualTo(r.bestAccuracy());
    }

    @Test
    void sameSeedGivesIdenticalWeights() throws IOException {
        List<FineTuner.Example> train = data(120, 1);
        TrainableBert.LoraOptions lora = new TrainableBert.LoraOptions(2, 4, TrainableBert.LoraOptions.ALL_PROJECTIONS);
        TrainableBert a = model(lora), b = model(lora);
        FineTuner.train(a, train, null, options(null, 2, 0), line -> {});
        FineTuner.train(b, train, null, options(null, 2, 0), line -> {});
        Map<String, float[]> wa = weights(a), wb = weights(b);
        wa.forEach((name, v) -> assertThat(wb.get(name)).as(name).containsExactly(v));
    }

    @Test
    void interruptedRunResumesToTheSameWeights() throws IOException {
        List<FineTuner.Example> train = data(150, 1), val = data(60, 2);
        TrainableBert whole = model(null);
        FineTuner.Result full = FineTuner.train(whole, train, val, options(dir.resolve("ckpt-a"), 2, 0), line -> {});

        // stopped after step 7 (as if killed): the last checkpoint is step 6, so step 7 is lost and redone
        TrainableBert first = model(null);
        FineTuner.Result part = FineTuner.train(first, train, val, options(dir.resolve("ckpt-b"), 2, 7), line -> {});
        assertThat(part.finished()).isFalse();
        List<String> log = new ArrayList<>();
        TrainableBert resumed = model(null);
        FineTuner.Result rest = FineTuner.train(resumed, train, val, options(dir.resolve("ckpt-b"), 2, 0), log::add);
        assertThat(log.getFirst()).isEqualTo("resuming at step 6 of " + full.totalSteps());
        assertThat(rest.finished()).isTrue();
        assertThat(rest.bestAccuracy()).isEqualTo(full.bestAccuracy());
        Map<String, float[]> wa = weights(whole), wb = weights(resumed);
        wa.forEach((name, v) -> assertThat(wb.get(name)).as(name).containsExactly(v));
    }

    /** DistilBERT with LoRA and dropout everywhere (attention probabilities included): a killed run resumes bit for bit. */
    @Test
    void interruptedDistilBertRunResumesToTheSameWeights() throws Exception {
        Path base = Path.of(FineTunerTest.class.getResource("/fixtures/tiny-distilbert/cls/config.json").toURI()).getParent();
        TrainableBert.LoraOptions lora = new TrainableBert.LoraOptions(2, 4, TrainableBert.LoraOptions.ALL_PROJECTIONS);
        List<FineTuner.Example> train = data(150, 1);
        TrainableBert whole = TrainableBert.load(base, 2, 0.1f, lora, 9);
        FineTuner.train(whole, train, null, options(dir.resolve("ckpt-a"), 2, 0), line -> {});
        FineTuner.train(TrainableBert.load(base, 2, 0.1f, lora, 9), train, null, options(dir.resolve("ckpt-b"), 2, 7), line -> {});
        TrainableBert resumed = TrainableBert.load(base, 2, 0.1f, lora, 9);
        FineTuner.Result rest = FineTuner.train(resumed, train, null, options(dir.resolve("ckpt-b"), 2, 0), line -> {});
        assertThat(rest.finished()).isTrue();
        assertThat(whole.family()).isEqualTo(BertFamily.DISTILBERT);
        Map<String, float[]> wa = weights(whole), wb = weights(resumed);
        assertThat(wa).containsKey("distilbert.transformer.layer.1.ffn.lin2.lora_B.weight");
        wa.forEach((name, v) -> assertThat(wb.get(name)).as(name).containsExactly(v));
    }

    @Test
    void aCheckpointOfOtherSettingsIsRefused() throws IOException {
        List<FineTuner.Example> train = data(60, 1);
        FineTuner.train(model(null), train, null, options(dir.resolve("ckpt"), 1, 4), line -> {});
        FineTuner.Options other = new FineTuner.Options(1, 1e-3, 60, 0.1, 0.01, 1.0, 5, dir.resolve("ckpt"), 3, 0);
        assertThatThrownBy(() -> FineTuner.train(model(null), train, null, other, line -> {}))
                .isInstanceOf(IOException.class).hasMessageContaining("other settings or data");
    }
}
