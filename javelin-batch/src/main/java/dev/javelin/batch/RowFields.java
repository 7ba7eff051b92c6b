package dev.javelin.batch;

import java.util.function.Function;

/** The one place a record's fields become an {@link InputRow}, with the same rules for every format. */
final class RowFields {
    private RowFields() {
    }

    /** @param field a field's value as text, or null when the record lacks it or it is null */
    static InputRow row(long index, long line, Columns columns, Function<String, String> field) {
        String text = field.apply(columns.text());
        if (text == null) return InputRow.bad(index, line, "no '" + columns.text() + "' field");
        if (text.isBlank()) return InputRow.bad(index, line, "empty text");
        String id;
        if (columns.id() == null) {
            id = Long.toString(index);
        } else {
            id = field.apply(columns.id());
            if (id == null) return InputRow.bad(index, line, "no '" + columns.id() + "' field");
        }
        String query = null;
        if (columns.query() != null) {
            query = field.apply(columns.query());
            if (query == null) return InputRow.bad(index, line, "no '" + columns.query() + "' field");
            if (query.isBlank()) return InputRow.bad(index, line, "empty query");
        }
        return new InputRow(index, line, id, text, query, null);
    }
}
