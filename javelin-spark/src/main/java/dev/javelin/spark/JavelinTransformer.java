package dev.javelin.spark;

import dev.javelin.batch.Task;
import dev.javelin.engine.Batcher;
import dev.javelin.models.WeightDType;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * What the Javelin Transformers share: the params, and {@code mapPartitions} over the executor's
 * shared model ({@link PartitionRunner}). Persisted with Spark's default params writer, so they can
 * sit in a saved {@code Pipeline}.
 *
 * @param <T> the concrete Transformer, so setters chain
 */
public abstract class JavelinTransformer<T extends JavelinTransformer<T>> extends Transformer implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Param<String> model;
    private final Param<String> inputCol;
    private final Param<String> outputCol;
    private final IntParam batchTokens;
    private final Param<String> pooling;
    private final BooleanParam normalize;
    private final Param<String> dtype;

    protected JavelinTransformer(String uid, String defaultOutput) {
        this.uid = uid;
        this.model = new Param<>(this, "model", "model directory or Hugging Face id; empty for the embedded default");
        this.inputCol = new Param<>(this, "inputCol", "column holding the text");
        this.outputCol = new Param<>(this, "outputCol", "column the result goes to");
        this.batchTokens = new IntParam(this, "batchTokens", "token budget of one forward pass", ParamValidators.gtEq(1));
        this.pooling = new Param<>(this, "pooling", "pooling instead of the model's own: cls, mean, max, last-token; empty keeps the model's");
        this.normalize = new BooleanParam(this, "normalize", "L2-normalise embeddings; unset keeps the model's own");
        this.dtype = new Param<>(this, "dtype", "precision of the linear layers: f32 (the checkpoint's), bf16 or int8 (quantized on load)");
        setDefault(model, "");
        setDefault(inputCol, "text");
        setDefault(outputCol, defaultOutput);
        setDefault(batchTokens, (Object) Batcher.DEFAULT_MAX_TOKENS);
        setDefault(pooling, "");
        setDefault(dtype, WeightDType.F32.label());
    }

    /** The task run on each row. */
    protected abstract Task task();

    /** The result columns this Transformer appends, in order. */
    abstract List<String> outputColumns();

    /** The column of the query each text is scored against (rerank), else null. */
    String queryColumn() {
        return null;
    }

    @SuppressWarnings("unchecked")
    private T self() {
        return (T) this;
    }

    @Override
    public String uid() {
        return uid;
    }

    public Param<String> model() {
        return model;
    }

    public Param<String> inputCol() {
        return inputCol;
    }

    public Param<String> outputCol() {
        return outputCol;
    }

    public IntParam batchTokens() {
        return batchTokens;
    }

    public Param<String> pooling() {
        return pooling;
    }

    public BooleanParam normalize() {
        return normalize;
    }

    public Param<String> dtype() {
        return dtype;
    }

    public T setModel(String value) {
        set(model, value == null ? "" : value);
        return self();
    }

    public T setInputCol(String value) {
        set(inputCol, value);
        return self();
    }

    public T setOutputCol(String value) {
        set(outputCol, value);
        return self();
    }

    public T setBatchTokens(int value) {
        set(batchTokens, (Object) value);
        return self();
    }

    public T setPooling(String value) {
        set(pooling, value == null ? "" : value);
        return self();
    }

    public T setNormalize(boolean value) {
        set(normalize, (Object) value);
        return self();
    }

    /** @param value f32, bf16 or int8 (any case); anything else is refused here, on the driver */
    public T setDtype(String value) {
        set(dtype, WeightDType.parse(value).label());
        return self();
    }

    public String getInputCol() {
        return $(inputCol);
    }

    public String getOutputCol() {
        return $(outputCol);
    }

    ExecutorModels.Key key() {
        String m = $(model), p = $(pooling);
        Boolean n = isDefined(normalize) ? (Boolean) $(normalize) : null;
        return new ExecutorModels.Key(task(), m.isEmpty() ? null : m, p.isEmpty() ? null : p, n, $(dtype), (Integer) $(batchTokens));
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType in = dataset.schema();
        StructType out = transformSchema(in);
        int query = queryColumn() == null ? -1 : in.fieldIndex(queryColumn());
        PartitionRunner runner = new PartitionRunner(key(), in.fieldIndex(getInputCol()), query, outputColumns().size());
        return dataset.toDF().mapPartitions(runner, Encoders.row(out));
    }

    @Override
    public StructType transformSchema(StructType schema) {
        List<String> names = List.of(schema.fieldNames());
        List<String> inputs = queryColumn() == null ? List.of(getInputCol()) : List.of(queryColumn(), getInputCol());
        for (String col : inputs) {
            if (!names.contains(col)) {
                throw new IllegalArgumentException("no input column '" + col + "' (columns: " + String.join(", ", names) + ")");
            }
            if (!schema.apply(col).dataType().equals(DataTypes.StringType)) {
                throw new IllegalArgumentException("input column '" + col + "' must be a string, not " + schema.apply(col).dataType().simpleString());
            }
        }
        List<StructField> fields = new ArrayList<>(List.of(schema.fields()));
        for (String name : outputColumns()) {
            if (names.contains(name)) throw new IllegalArgumentException("output column '" + name + "' already exists");
        }
        fields.addAll(SparkResults.fields(task(), outputColumns()));
        return DataTypes.createStructType(fields);
    }

    @Override
    public T copy(org.apache.spark.ml.param.ParamMap extra) {
        return defaultCopy(extra);
    }
}
