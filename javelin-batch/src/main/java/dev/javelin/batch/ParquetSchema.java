package dev.javelin.batch;

import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/** An {@link OutputSchema} as Parquet's message type. */
final class ParquetSchema {
    private ParquetSchema() {
    }

    /** The Parquet schema, with the standard three-level list for embeddings (what Spark reads as array&lt;float&gt;). */
    static MessageType of(OutputSchema schema) {
        Types.MessageTypeBuilder b = Types.buildMessage();
        if (schema.rowNumbers()) b.required(PrimitiveTypeName.INT64).named(schema.idColumn());
        else b.required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(schema.idColumn());
        switch (schema.task()) {
            case EMBED -> b.requiredList().requiredElement(PrimitiveTypeName.FLOAT).named("embedding");
            case CLASSIFY -> {
                b.required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("label");
                b.required(PrimitiveTypeName.FLOAT).named("score");
            }
            case RERANK -> b.required(PrimitiveTypeName.FLOAT).named("score");
        }
        return b.named("javelin_" + schema.task().name().toLowerCase(java.util.Locale.ROOT));
    }
}
