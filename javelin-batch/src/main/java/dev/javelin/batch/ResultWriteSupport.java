package dev.javelin.batch;

import java.util.HashMap;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;

/**
 * Writes {@link Result}s straight to Parquet's record consumer. The example {@code Group} model
 * builds an object per list element, 384 per embedding, which made writing cost a third of the
 * model's time; this streams the floats.
 */
final class ResultWriteSupport extends WriteSupport<Result> {
    private final OutputSchema schema;
    private RecordConsumer out;

    ResultWriteSupport(OutputSchema schema) {
        this.schema = schema;
    }

    @Override
    public WriteContext init(org.apache.hadoop.conf.Configuration configuration) {
        return new WriteContext(ParquetSchema.of(schema), new HashMap<>());
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
        return new WriteContext(ParquetSchema.of(schema), new HashMap<>());
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
        this.out = recordConsumer;
    }

    @Override
    public void write(Result r) {
        out.startMessage();
        out.startField(schema.idColumn(), 0);
        if (schema.rowNumbers()) out.addLong(Long.parseLong(r.id()));
        else out.addBinary(Binary.fromString(r.id()));
        out.endField(schema.idColumn(), 0);
        switch (r) {
            case Result.Embedding e -> {
                out.startField("embedding", 1);
                out.startGroup();
                if (e.vector().length > 0) {
                    out.startField("list", 0);
                    for (float v : e.vector()) {
                        out.startGroup();
                        out.startField("element", 0);
                        out.addFloat(v);
                        out.endField("element", 0);
                        out.endGroup();
                    }
                    out.endField("list", 0);
                }
                out.endGroup();
                out.endField("embedding", 1);
            }
            case Result.Classification c -> {
                out.startField("label", 1);
                out.addBinary(Binary.fromString(c.label()));
                out.endField("label", 1);
                score(2, c.score());
            }
            case Result.Relevance s -> score(1, s.score());
        }
        out.endMessage();
    }

    private void score(int index, float score) {
        out.startField("score", index);
        out.addFloat(score);
        out.endField("score", index);
    }
}
