package dev.javelin.batch;

import dev.javelin.models.WeightDType;

/**
 * A batch job for Apache Spark, as the CLI hands it to the Spark driver process (JSON on its command
 * line): the same options as a local job, plus where the cluster is.
 *
 * @param master      {@code local[N]} or {@code spark://host:port}; null under spark-submit, whose {@code --master} applies
 * @param batchTokens token budget of one forward pass on an executor
 * @param dtype       precision of the model's linear layers: f32, bf16 or int8; null means f32
 */
public record ClusterJob(String master, int batchTokens, String dtype, BatchOptions options) {
    public ClusterJob {
        dtype = WeightDType.parse(dtype == null ? WeightDType.F32.label() : dtype).label();
    }
}
