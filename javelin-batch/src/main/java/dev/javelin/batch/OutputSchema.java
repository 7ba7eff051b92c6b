package dev.javelin.batch;

import java.util.List;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * The output's columns: the input's id (a string) or the row number (an integer), then the task's
 * result: {@code embedding} (a list of floats), {@code label} and {@code score}, or {@code score}.
 */
public record OutputSchema(Task task, String idColumn, boolean rowNumbers) {

    public static OutputSchema of(Task task, Columns columns) {
        return new OutputSchema(task, columns.idOut(), columns.id() == null);
    }

    /** Column names in order. */
    public List<String> names() {
        return switch (task) {
            case EMBED -> List.of(idColumn, "embedding");
            case CLASSIFY -> List.of(idColumn, "label", "score");
            case RERANK -> List.of(idColumn, "score");
        };
    }

    /** The Parquet schema, with the standard three-level list for embeddings (what Spark reads as array&lt;float&gt;). */
    public MessageType parquet() {
        Types.MessageTypeBuilder b = Types.buildMessage();
        if (rowNumbers) b.required(PrimitiveTypeName.INT64).named(idColumn);
        else b.required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(idColumn);
        switch (task) {
            case EMBED -> b.requiredList().requiredElement(PrimitiveTypeName.FLOAT).named("embedding");
            case CLASSIFY -> {
                b.required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("label");
                b.required(PrimitiveTypeName.FLOAT).named("score");
            }
            case RERANK -> b.required(PrimitiveTypeName.FLOAT).named("score");
        }
        return b.named("javelin_" + task.name().toLowerCase(java.util.Locale.ROOT));
    }
}
