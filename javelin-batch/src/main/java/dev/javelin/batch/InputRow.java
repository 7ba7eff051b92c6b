package dev.javelin.batch;

/**
 * One record of the input file, in file order.
 *
 * @param index  0-based position among the file's records, bad ones included; chunks are cut on it
 * @param line   where the record starts in the file (1-based line; for Parquet the 1-based row)
 * @param id     the id column's value, or the row number when the job has no id column
 * @param text   the text; null when {@code bad} is set
 * @param query  the query (rerank), else null
 * @param bad    why the record cannot be used, else null
 */
public record InputRow(long index, long line, String id, String text, String query, String bad) {

    public static InputRow bad(long index, long line, String reason) {
        return new InputRow(index, line, null, null, null, reason);
    }

    public boolean isBad() {
        return bad != null;
    }
}
