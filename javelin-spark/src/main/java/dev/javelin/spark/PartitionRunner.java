package dev.javelin.spark;

import dev.javelin.batch.InputRow;
import dev.javelin.batch.Result;
import dev.javelin.batch.RowModel;
import dev.javelin.tokenizers.Encoding;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Runs one partition through the executor's shared model, lazily: it pulls a window of rows,
 * tokenizes them, runs the engine's token-budget batches and hands the rows back with the result
 * columns appended, then pulls the next window. A row whose text (or, reranking, query) is null,
 * blank or cannot be tokenized gets null results; rows are never dropped or reordered.
 */
final class PartitionRunner implements MapPartitionsFunction<Row, Row> {
    /** Rows per window: a few batches of short texts, so the model runs full batches and memory stays small. */
    private static final int WINDOW = 2048;

    private final ExecutorModels.Key key;
    private final int textColumn;
    private final int queryColumn;
    private final int resultColumns;

    /** @param queryColumn the query's column (rerank), else -1 */
    PartitionRunner(ExecutorModels.Key key, int textColumn, int queryColumn, int resultColumns) {
        this.key = key;
        this.textColumn = textColumn;
        this.queryColumn = queryColumn;
        this.resultColumns = resultColumns;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
        RowModel model = ExecutorModels.get(key);
        return new Iterator<>() {
            private Iterator<Row> window = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                if (!window.hasNext() && input.hasNext()) window = run(model, input).iterator();
                return window.hasNext();
            }

            @Override
            public Row next() {
                if (!hasNext()) throw new NoSuchElementException();
                return window.next();
            }
        };
    }

    private List<Row> run(RowModel model, Iterator<Row> input) {
        List<Row> rows = new ArrayList<>(WINDOW);
        while (rows.size() < WINDOW && input.hasNext()) rows.add(input.next());
        List<InputRow> runnable = new ArrayList<>(rows.size());
        List<Encoding> encodings = new ArrayList<>(rows.size());
        List<Integer> positions = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            String text = string(rows.get(i), textColumn);
            String query = queryColumn < 0 ? null : string(rows.get(i), queryColumn);
            if (text == null || (queryColumn >= 0 && query == null)) continue;
            InputRow r = new InputRow(i, i + 1, Integer.toString(i), text, query, null);
            try {
                encodings.add(model.encode(r));
            } catch (IllegalArgumentException e) {
                continue;
            }
            runnable.add(r);
            positions.add(i);
        }
        Object[][] results = new Object[rows.size()][];
        List<Integer> order = new ArrayList<>(positions.size());
        for (int i = 0; i < positions.size(); i++) order.add(i);
        for (List<Integer> batch : model.batches(order, i -> encodings.get(i).ids().length)) {
            List<Result> out = model.run(batch.stream().map(runnable::get).toList(), batch.stream().map(encodings::get).toList());
            for (int b = 0; b < batch.size(); b++) results[positions.get(batch.get(b))] = SparkResults.values(out.get(b));
        }
        List<Row> joined = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) joined.add(append(rows.get(i), results[i]));
        return joined;
    }

    /** The column's text, or null when it is null or blank. */
    private static String string(Row row, int column) {
        String s = row.isNullAt(column) ? null : row.getString(column);
        return s == null || s.isBlank() ? null : s;
    }

    private Row append(Row row, Object[] result) {
        Object[] values = new Object[row.length() + resultColumns];
        for (int c = 0; c < row.length(); c++) values[c] = row.get(c);
        if (result != null) System.arraycopy(result, 0, values, row.length(), resultColumns);
        return RowFactory.create(values);
    }
}
