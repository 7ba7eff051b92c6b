package dev.javelin.train.finetune;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.javelin.io.safetensors.SafeTensors;
import dev.javelin.io.safetensors.SafeTensorsWriter;
import dev.javelin.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The whole state of a fine-tuning run between two steps, in one safetensors file: the trained
 * parameters, AdamW's moments, the best parameters so far, and (as metadata) the step, the epochs
 * evaluated and the best accuracy. Batch order and dropout masks are functions of (seed, epoch, step),
 * so a run resumed from here takes exactly the steps the uninterrupted run would have. Written to a
 * temporary file and renamed into place: a run killed while writing leaves the previous checkpoint.
 */
final class TrainingCheckpoint {
    static final String FILE = "checkpoint.safetensors";

    /** Progress between steps; {@code best} maps parameter names to their values at the best evaluation. */
    record State(long step, int evaluatedEpochs, double bestAccuracy, int bestEpoch, String fingerprint, Map<String, float[]> best) {}

    private TrainingCheckpoint() {}

    static void save(Path dir, TrainableBert model, AdamW optimizer, State state) throws IOException {
        Files.createDirectories(dir);
        try (Arena arena = Arena.ofConfined()) {
            SafeTensorsWriter w = new SafeTensorsWriter();
            for (Param p : model.trainable()) {
                w.add("param/" + p.name(), p.value());
                w.add("adam_m/" + p.name(), Tensor.of(arena, optimizer.firstMoments().get(p.name()), p.shape()));
                w.add("adam_v/" + p.name(), Tensor.of(arena, optimizer.secondMoments().get(p.name()), p.shape()));
                float[] best = state.best().get(p.name());
                if (best != null) w.add("best/" + p.name(), Tensor.of(arena, best, p.shape()));
            }
            ObjectNode meta = new ObjectMapper().createObjectNode();
            meta.put("step", state.step()).put("evaluated_epochs", state.evaluatedEpochs()).put("best_accuracy", state.bestAccuracy())
                    .put("best_epoch", state.bestEpoch()).put("fingerprint", state.fingerprint()).put("adam_steps", optimizer.steps());
            w.metadata("javelin_training_state", meta.toString());
            w.write(dir.resolve(FILE));
        }
    }

    /** Restores parameters and moments into the model and optimizer; null when {@code dir} holds no checkpoint. */
    static State load(Path dir, TrainableBert model, AdamW optimizer, String fingerprint) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) return null;
        try (SafeTensors st = SafeTensors.open(file)) {
            String json = st.metadata().get("javelin_training_state");
            if (json == null) throw new IOException(file + " is not a Javelin training checkpoint (no javelin_training_state)");
            var meta = new ObjectMapper().readTree(json);
            if (!fingerprint.equals(meta.path("fingerprint").asText())) {
                throw new IOException(file + " was written by a run with other settings or data (" + meta.path("fingerprint").asText()
                        + ", this run " + fingerprint + "); delete it or use another --out");
            }
            Map<String, float[]> best = new LinkedHashMap<>();
            for (Param p : model.trainable()) {
                p.value().copyFrom(read(st, "param/" + p.name(), p));
                p.changed();
                System.arraycopy(read(st, "adam_m/" + p.name(), p), 0, optimizer.firstMoments().get(p.name()), 0, p.size());
                System.arraycopy(read(st, "adam_v/" + p.name(), p), 0, optimizer.secondMoments().get(p.name()), 0, p.size());
                if (st.names().contains("best/" + p.name())) best.put(p.name(), read(st, "best/" + p.name(), p));
            }
            optimizer.restore(meta.path("adam_steps").asLong());
            return new State(meta.path("step").asLong(), meta.path("evaluated_epochs").asInt(), meta.path("best_accuracy").asDouble(),
                    meta.path("best_epoch").asInt(), fingerprint, best);
        }
    }

    private static float[] read(SafeTensors st, String name, Param p) throws IOException {
        if (!st.names().contains(name)) throw new IOException(st.source() + " lacks " + name);
        return st.tensor(name).requireShape(name, p.shape()).toArray();
    }
}
