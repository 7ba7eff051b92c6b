package dev.javelin.spark;

import dev.javelin.batch.Task;
import java.util.List;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;

/**
 * Appends a cross-encoder's relevance of the input column (a passage) to the query column: the
 * sigmoid of its logit, as sentence-transformers' {@code CrossEncoder} and the server's
 * {@code /rerank} give it. Rows stay where they are; ordering them per query is a {@code Window}
 * or {@code orderBy} away. Needs a cross-encoder model (one label); there is no embedded default.
 */
public final class JavelinReranker extends JavelinTransformer<JavelinReranker> {
    private static final long serialVersionUID = 1L;

    private final Param<String> queryCol = new Param<>(this, "queryCol", "column holding the query each text is scored against");

    public JavelinReranker() {
        this(Identifiable.randomUID("javelinReranker"));
    }

    public JavelinReranker(String uid) {
        super(uid, "score");
        setDefault(queryCol, "query");
    }

    public Param<String> queryCol() {
        return queryCol;
    }

    public JavelinReranker setQueryCol(String value) {
        set(queryCol, value);
        return this;
    }

    @Override
    protected Task task() {
        return Task.RERANK;
    }

    @Override
    List<String> outputColumns() {
        return List.of(getOutputCol());
    }

    @Override
    String queryColumn() {
        return $(queryCol);
    }

    public static MLReader<JavelinReranker> read() {
        return new DefaultParamsReader<>();
    }

    public static JavelinReranker load(String path) {
        return read().load(path);
    }
}
