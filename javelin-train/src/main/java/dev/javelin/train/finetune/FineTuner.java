package dev.javelin.train.finetune;

import dev.javelin.kernels.SoftmaxCrossEntropy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The training loop: AdamW over token-budget batches, linear warm-up then decay, gradient clipping,
 * an evaluation on the validation set after each epoch keeping the best parameters, and a checkpoint
 * every N steps from which a killed run resumes to the same result.
 */
public final class FineTuner {
    /** One tokenised example: ids and type ids of its packed tokens and its class index. */
    public record Example(int[] ids, int[] typeIds, int label) {}

    /**
     * @param checkpointEvery steps between checkpoints (0: only at the end of each epoch)
     * @param stopAfterStep   stop (as a killed run would) once this many steps are done; 0 runs to the end
     */
    public record Options(int epochs, double learningRate, int batchTokens, double warmupFraction, double weightDecay,
                          double maxGradNorm, long seed, Path checkpointDir, int checkpointEvery, long stopAfterStep) {
        public Options {
            if (epochs < 1) throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
            if (batchTokens < 1) throw new IllegalArgumentException("batch tokens must be positive, got " + batchTokens);
            if (!(warmupFraction >= 0 && warmupFraction < 1)) throw new IllegalArgumentException("warm-up fraction must be in [0, 1)");
            if (checkpointEvery < 0) throw new IllegalArgumentException("checkpoint interval must be ≥ 0");
        }
    }

    /** How the run went: the best validation accuracy (NaN without validation) and its epoch, steps and throughput. */
    public record Result(double bestAccuracy, int bestEpoch, long steps, long totalSteps, boolean finished,
                         long tokensTrained, double trainSeconds) {
        public double tokensPerSecond() { return tokensTrained / trainSeconds; }
    }

    private FineTuner() {}

    public static Result train(TrainableBert model, List<Example> train, List<Example> validation, Options o,
                               Consumer<String> progress) throws IOException {
        int[] lengths = train.stream().mapToInt(e -> e.ids().length).toArray();
        List<List<int[]>> epochs = new java.util.ArrayList<>();
        long total = 0;
        for (int e = 0; e < o.epochs(); e++) {
            epochs.add(TokenBudgetBatches.epoch(lengths, o.batchTokens(), o.seed(), e));
            total += epochs.get(e).size();
        }
        List<Param> params = model.trainable();
        AdamW optimizer = new AdamW(params, 0.9, 0.999, 1e-8, o.weightDecay());
        LearningRateSchedule schedule = new LearningRateSchedule(o.learningRate(), Math.round(total * o.warmupFraction()), total);
        String fingerprint = fingerprint(model, train, o);
        TrainingCheckpoint.State state = o.checkpointDir() == null ? null
                : TrainingCheckpoint.load(o.checkpointDir(), model, optimizer, fingerprint);
        if (state == null) state = new TrainingCheckpoint.State(0, 0, Double.NaN, 0, fingerprint, new LinkedHashMap<>());
        else progress.accept(String.format("resuming at step %d of %d", state.step(), total));
        long resumedAt = state.step();
        long step = 0, tokens = 0;
        long started = System.nanoTime();
        double lossSum = 0;
        int lossCount = 0;
        for (int e = 0; e < o.epochs(); e++) {
            for (int[] batch : epochs.get(e)) {
                if (step++ < state.step()) continue;
                double loss = step(model, train, batch, optimizer, schedule.at(step - 1), o, step);
                tokens += batchTokens(train, batch);
                lossSum += loss;
                lossCount++;
                if (step % 20 == 0 || step == total) {
                    double secs = (System.nanoTime() - started) / 1e9;
                    double perStep = secs / (step - resumedAt);
                    progress.accept(String.format("epoch %d/%d  step %d/%d  loss %.4f  lr %.2e  %.0f tokens/s  ETA %s",
                            e + 1, o.epochs(), step, total, lossSum / lossCount, schedule.at(step - 1), tokens / secs,
                            duration(perStep * (total - step))));
                    lossSum = 0;
                    lossCount = 0;
                }
                state = new TrainingCheckpoint.State(step, state.evaluatedEpochs(), state.bestAccuracy(), state.bestEpoch(), fingerprint, state.best());
                if (o.checkpointDir() != null && o.checkpointEvery() > 0 && step % o.checkpointEvery() == 0) {
                    TrainingCheckpoint.save(o.checkpointDir(), model, optimizer, state);
                }
                if (o.stopAfterStep() > 0 && step >= o.stopAfterStep()) {
                    return new Result(state.bestAccuracy(), state.bestEpoch(), step, total, false, tokens, (System.nanoTime() - started) / 1e9);
                }
            }
            if (state.evaluatedEpochs() <= e) {
                state = evaluateEpoch(model, validation, o, e, state, progress);
                if (o.checkpointDir() != null) TrainingCheckpoint.save(o.checkpointDir(), model, optimizer, state);
            }
        }
        if (!state.best().isEmpty()) {
            for (Param p : params) {
                p.value().copyFrom(state.best().get(p.name()));
                p.changed();
            }
        }
        return new Result(state.bestAccuracy(), state.bestEpoch(), step, total, true, tokens, (System.nanoTime() - started) / 1e9);
    }

    private static TrainingCheckpoint.State evaluateEpoch(TrainableBert model, List<Example> validation, Options o, int epoch,
                                                          TrainingCheckpoint.State state, Consumer<String> progress) {
        if (validation == null || validation.isEmpty()) {
            return new TrainingCheckpoint.State(state.step(), epoch + 1, state.bestAccuracy(), epoch + 1, state.fingerprint(), snapshot(model));
        }
        double acc = accuracy(model, validation, o.batchTokens());
        boolean better = Double.isNaN(state.bestAccuracy()) || acc > state.bestAccuracy();
        progress.accept(String.format("epoch %d: validation accuracy %.2f%%%s", epoch + 1, 100 * acc, better ? " (best so far)" : ""));
        return better
                ? new TrainingCheckpoint.State(state.step(), epoch + 1, acc, epoch + 1, state.fingerprint(), snapshot(model))
                : new TrainingCheckpoint.State(state.step(), epoch + 1, state.bestAccuracy(), state.bestEpoch(), state.fingerprint(), state.best());
    }

    private static Map<String, float[]> snapshot(TrainableBert model) {
        Map<String, float[]> m = new LinkedHashMap<>();
        for (Param p : model.trainable()) m.put(p.name(), p.value().toArray());
        return m;
    }

    /** One optimizer step on one batch; returns its mean loss. */
    private static double step(TrainableBert model, List<Example> data, int[] batch, AdamW optimizer, double lr, Options o, long step) {
        for (Param p : model.trainable()) p.zeroGrad();
        TrainableBert.Batch b = pack(data, batch);
        int[] labels = new int[batch.length];
        for (int i = 0; i < batch.length; i++) labels[i] = data.get(batch[i]).label();
        double loss;
        try (TrainableBert.Pass pass = model.forward(b, true, o.seed() * 0x5DEECE66DL + step * 1_000_003L)) {
            float[] d = new float[pass.logits().length];
            loss = SoftmaxCrossEntropy.lossAndGradient(pass.logits(), labels, model.numLabels(), d);
            pass.backward(d);
        }
        if (o.maxGradNorm() > 0) AdamW.clipGradients(model.trainable(), o.maxGradNorm());
        optimizer.step(lr);
        return loss;
    }

    /** Accuracy of the model's argmax on {@code data}, without dropout. */
    public static double accuracy(TrainableBert model, List<Example> data, int batchTokens) {
        int[] lengths = data.stream().mapToInt(e -> e.ids().length).toArray();
        int correct = 0;
        int[] all = new int[data.size()];
        for (int i = 0; i < all.length; i++) all[i] = i;
        int start = 0;
        while (start < all.length) {
            int end = start, tokens = 0;
            while (end < all.length && (end == start || tokens + lengths[end] <= batchTokens)) tokens += lengths[end++];
            int[] batch = java.util.Arrays.copyOfRange(all, start, end);
            try (TrainableBert.Pass pass = model.forward(pack(data, batch), false, 0)) {
                float[] logits = pass.logits();
                int c = model.numLabels();
                for (int i = 0; i < batch.length; i++) {
                    int arg = 0;
                    for (int k = 1; k < c; k++) if (logits[i * c + k] > logits[i * c + arg]) arg = k;
                    if (arg == data.get(batch[i]).label()) correct++;
                }
            }
            start = end;
        }
        return (double) correct / data.size();
    }

    static TrainableBert.Batch pack(List<Example> data, int[] batch) {
        int total = batchTokens(data, batch);
        int[] ids = new int[total], types = new int[total], lengths = new int[batch.length];
        int at = 0;
        for (int i = 0; i < batch.length; i++) {
            Example e = data.get(batch[i]);
            System.arraycopy(e.ids(), 0, ids, at, e.ids().length);
            if (e.typeIds() != null) System.arraycopy(e.typeIds(), 0, types, at, e.ids().length);
            lengths[i] = e.ids().length;
            at += e.ids().length;
        }
        return new TrainableBert.Batch(ids, types, lengths);
    }

    private static int batchTokens(List<Example> data, int[] batch) {
        int n = 0;
        for (int i : batch) n += data.get(i).ids().length;
        return n;
    }

    /** What a checkpoint must match to be resumed: the settings that shape the run and the data. */
    private static String fingerprint(TrainableBert model, List<Example> train, Options o) {
        long h = 1125899906842597L;
        for (Example e : train) {
            for (int id : e.ids()) h = 31 * h + id;
            h = 31 * h + e.label();
        }
        String settings = o.epochs() + "/" + o.learningRate() + "/" + o.batchTokens() + "/" + o.warmupFraction() + "/" + o.weightDecay()
                + "/" + o.maxGradNorm() + "/" + o.seed() + "/" + model.trainable().size() + "/" + (model.lora() == null ? "full" : model.lora())
                + "/" + model.family() + "/" + model.pooling();
        return Long.toHexString(h) + "-" + Integer.toHexString(settings.hashCode());
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, s % 3600 / 60) : String.format("%dm%02ds", s / 60, s % 60);
    }
}
