package dev.javelin.spark;

import dev.javelin.batch.Result;
import dev.javelin.batch.Task;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/** Results as Spark columns: an embedding is array&lt;float&gt;; a classification a label and a score; a relevance a score. */
final class SparkResults {
    private SparkResults() {
    }

    /** @param names the output column names, one per result column of the task */
    static List<StructField> fields(Task task, List<String> names) {
        return switch (task) {
            case EMBED -> List.of(DataTypes.createStructField(names.get(0), DataTypes.createArrayType(DataTypes.FloatType, false), true));
            case CLASSIFY -> List.of(DataTypes.createStructField(names.get(0), DataTypes.StringType, true),
                    DataTypes.createStructField(names.get(1), DataTypes.FloatType, true));
            case RERANK -> List.of(DataTypes.createStructField(names.get(0), DataTypes.FloatType, true));
        };
    }

    static Object[] values(Result r) {
        return switch (r) {
            case Result.Embedding e -> new Object[] {e.vector()};
            case Result.Classification c -> new Object[] {c.label(), c.score()};
            case Result.Relevance s -> new Object[] {s.score()};
        };
    }
}
