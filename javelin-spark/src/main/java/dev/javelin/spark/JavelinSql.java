package dev.javelin.spark;

import dev.javelin.batch.InputRow;
import dev.javelin.batch.Result;
import dev.javelin.batch.RowModel;
import dev.javelin.batch.Task;
import dev.javelin.engine.Batcher;
import dev.javelin.models.WeightDType;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;

/**
 * SQL functions: {@code javelin_embed(text)} → array&lt;float&gt; and {@code javelin_classify(text)} →
 * struct&lt;label: string, score: float&gt;. They run one row per forward pass, which is several
 * times slower than the Transformers' token-budget batches: use them for ad-hoc queries, the
 * Transformers for whole tables. Models: {@code spark.javelin.model} (embeddings) and
 * {@code spark.javelin.classifier} (classification), each the embedded default when unset.
 */
public final class JavelinSql {
    private JavelinSql() {
    }

    public static void register(SparkSession spark) {
        String embedder = spark.conf().get("spark.javelin.model", "");
        String classifier = spark.conf().get("spark.javelin.classifier", "");
        ExecutorModels.Key embed = key(Task.EMBED, embedder);
        ExecutorModels.Key classify = key(Task.CLASSIFY, classifier);
        spark.udf().register("javelin_embed", (UDF1<String, float[]>) text -> {
            Result r = one(embed, text);
            return r == null ? null : ((Result.Embedding) r).vector();
        }, DataTypes.createArrayType(DataTypes.FloatType, false));
        spark.udf().register("javelin_classify", (UDF1<String, Row>) text -> {
            Result r = one(classify, text);
            return r == null ? null : RowFactory.create(((Result.Classification) r).label(), ((Result.Classification) r).score());
        }, DataTypes.createStructType(SparkResults.fields(Task.CLASSIFY, List.of("label", "score"))));
    }

    private static ExecutorModels.Key key(Task task, String model) {
        return new ExecutorModels.Key(task, model.isEmpty() ? null : model, null, null, WeightDType.F32.label(), Batcher.DEFAULT_MAX_TOKENS);
    }

    private static Result one(ExecutorModels.Key key, String text) {
        if (text == null || text.isBlank()) return null;
        RowModel model = ExecutorModels.get(key);
        InputRow row = new InputRow(0, 1, "0", text, null, null);
        return model.run(List.of(row), List.of(model.encode(row))).getFirst();
    }
}
