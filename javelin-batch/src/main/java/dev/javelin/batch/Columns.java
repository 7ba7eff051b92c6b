package dev.javelin.batch;

/**
 * Which input columns (JSON fields, CSV header names, Parquet fields) a job reads.
 *
 * @param text  the text to embed, classify or rank
 * @param id    copied to the output; null numbers rows from 0 instead
 * @param query the query a reranked text is scored against (rerank only)
 */
public record Columns(String text, String id, String query) {
    public static final Columns DEFAULT = new Columns("text", null, null);

    /** The name the output gives the id column. */
    public String idOut() {
        return id != null ? id : "row";
    }
}
