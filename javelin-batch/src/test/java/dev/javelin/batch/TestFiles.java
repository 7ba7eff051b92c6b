package dev.javelin.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVRecord;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/** Test inputs in every format, and outputs read back into one shape. */
public final class TestFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TestFiles() {
    }

    /** SST-2 dev sentences (the shared datasets, found from the CI layout or a worktree). */
    public static List<String> sst2Dev(int n) throws IOException {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("shared/datasets/sst2/dev.tsv"))) dir = dir.getParent();
        if (dir == null) throw new IOException("shared/datasets/sst2/dev.tsv not found above " + Path.of("").toAbsolutePath());
        List<String> lines = Files.readAllLines(dir.resolve("shared/datasets/sst2/dev.tsv"));
        List<String> out = new ArrayList<>();
        for (String l : lines.subList(1, lines.size())) {
            if (out.size() == n) break;
            out.add(l.substring(l.indexOf('\t') + 1));
        }
        return out;
    }

    /** Writes rows {id: "r<i>", text} in {@code format}. */
    public static Path write(Path file, Format format, List<String> texts) throws IOException {
        switch (format) {
            case JSONL -> {
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < texts.size(); i++) {
                    sb.append(JSON.writeValueAsString(Map.of("id", "r" + i, "text", texts.get(i)))).append('\n');
                }
                Files.writeString(file, sb);
            }
            case CSV, TSV -> {
                try (var p = DelimitedReader.dialect(format).builder().setSkipHeaderRecord(false).setHeader("id", "text").get()
                        .print(Files.newBufferedWriter(file))) {
                    for (int i = 0; i < texts.size(); i++) p.printRecord("r" + i, texts.get(i));
                }
            }
            case PARQUET -> {
                MessageType schema = Types.buildMessage()
                        .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("id")
                        .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("text")
                        .named("input");
                SimpleGroupFactory rows = new SimpleGroupFactory(schema);
                try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(file))
                        .withConf(new PlainParquetConfiguration()).withType(schema).build()) {
                    for (int i = 0; i < texts.size(); i++) w.write(rows.newGroup().append("id", "r" + i).append("text", texts.get(i)));
                }
            }
        }
        return file;
    }

    /** An output file as id → row, in file order; embeddings as float[], other columns as text. */
    static Map<String, Map<String, Object>> read(Path file, Format format) throws IOException {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        switch (format) {
            case JSONL -> {
                for (String line : Files.readAllLines(file)) {
                    JsonNode n = JSON.readTree(line);
                    Map<String, Object> row = new LinkedHashMap<>();
                    n.properties().forEach(e -> row.put(e.getKey(), e.getValue().isArray() ? floats(e.getValue()) : e.getValue().asText()));
                    put(out, row);
                }
            }
            case CSV, TSV -> {
                try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    for (CSVRecord rec : DelimitedReader.dialect(format).parse(r)) {
                        Map<String, Object> row = new LinkedHashMap<>();
                        rec.toMap().forEach((k, v) -> row.put(k, v.startsWith("[") ? floats(readTree(v)) : v));
                        put(out, row);
                    }
                }
            }
            case PARQUET -> {
                try (ParquetReader<Group> r = new ParquetReader.Builder<Group>(new LocalInputFile(file), new PlainParquetConfiguration()) {
                    @Override
                    protected ReadSupport<Group> getReadSupport() {
                        return new GroupReadSupport();
                    }
                }.build()) {
                    for (Group g; (g = r.read()) != null; ) {
                        Map<String, Object> row = new LinkedHashMap<>();
                        for (int f = 0; f < g.getType().getFieldCount(); f++) {
                            String name = g.getType().getFieldName(f);
                            if (g.getType().getType(f).isPrimitive()) {
                                row.put(name, g.getValueToString(f, 0));
                            } else {
                                Group list = g.getGroup(f, 0);
                                float[] v = new float[list.getFieldRepetitionCount(0)];
                                for (int i = 0; i < v.length; i++) v[i] = list.getGroup(0, i).getFloat(0, 0);
                                row.put(name, v);
                            }
                        }
                        put(out, row);
                    }
                }
            }
        }
        return out;
    }

    private static void put(Map<String, Map<String, Object>> out, Map<String, Object> row) {
        String id = String.valueOf(row.values().iterator().next());
        if (out.put(id, row) != null) throw new AssertionError("id " + id + " appears twice");
    }

    private static JsonNode readTree(String s) {
        try {
            return JSON.readTree(s);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static float[] floats(JsonNode array) {
        float[] v = new float[array.size()];
        for (int i = 0; i < v.length; i++) v[i] = array.get(i).floatValue();
        return v;
    }
}
