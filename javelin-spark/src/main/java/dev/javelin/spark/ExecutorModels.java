package dev.javelin.spark;

import dev.javelin.batch.RowModel;
import dev.javelin.batch.Task;
import dev.javelin.engine.ModelSpec;
import dev.javelin.engine.Pooling;
import dev.javelin.models.WeightDType;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkEnv;

/**
 * The models of one executor JVM: each loaded once, on first use, and shared by all the task threads
 * of that executor (the engine is thread-safe; its weights are memory-mapped, so executors on one
 * node also share them through the page cache). They live as long as the executor.
 */
final class ExecutorModels {
    private static final ConcurrentHashMap<Key, RowModel> MODELS = new ConcurrentHashMap<>();

    /**
     * What identifies a loaded model: everything a Transformer's params can change.
     *
     * @param dtype the linear layers' precision, as {@link WeightDType#parse} reads it
     */
    record Key(Task task, String model, String pooling, Boolean normalize, String dtype, int batchTokens) implements Serializable {
        ModelSpec spec() {
            return new ModelSpec(model, pooling == null ? null : Pooling.parse(pooling), normalize, WeightDType.parse(dtype));
        }
    }

    private ExecutorModels() {
    }

    static RowModel get(Key key) {
        capComputeThreads();
        return MODELS.computeIfAbsent(key, k -> {
            try {
                return RowModel.load(k.task(), k.spec(), k.batchTokens());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load model " + (k.model() == null ? "(default)" : k.model()), e);
            }
        });
    }

    /**
     * Spark runs as many tasks per executor as it has cores divided by {@code spark.task.cpus}; each
     * task's forward pass may use {@code spark.task.cpus} threads (itself and helpers from the
     * engine's pool), so the executor's cores are used and not oversubscribed. Must run before the
     * engine's pool starts, i.e. before the first model in this JVM; {@code -Djavelin.threads} wins.
     */
    private static void capComputeThreads() {
        if (System.getProperty("javelin.threads") != null) return;
        SparkEnv env = SparkEnv.get();
        int cpus = env == null ? 1 : env.conf().getInt("spark.task.cpus", 1);
        System.setProperty("javelin.threads", Integer.toString(cpus));
    }
}
