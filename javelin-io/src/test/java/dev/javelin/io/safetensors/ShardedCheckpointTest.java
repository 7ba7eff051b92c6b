package dev.javelin.io.safetensors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.javelin.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardedCheckpointTest {

    @TempDir Path dir;

    @Test
    void indexOpensItsShardsAsOneCheckpoint() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            SafeTensorsWriter.write(dir.resolve("model-00001-of-00002.safetensors"),
                    Map.of("embeddings.weight", Tensor.of(arena, new float[] {1, 2, 3, 4}, 2, 2),
                            "layer.0.bias", Tensor.of(arena, new float[] {5}, 1)),
                    Map.of("format", "pt"));
            SafeTensorsWriter.write(dir.resolve("model-00002-of-00002.safetensors"),
                    Map.of("layer.1.bias", Tensor.of(arena, new float[] {6, 7}, 2)),
                    Map.of("format", "pt"));
        }
        Files.writeString(dir.resolve(SafeTensors.INDEX_FILE), """
                {"metadata": {"total_size": 28},
                 "weight_map": {"embeddings.weight": "model-00001-of-00002.safetensors",
                                "layer.0.bias": "model-00001-of-00002.safetensors",
                                "layer.1.bias": "model-00002-of-00002.safetensors"}}
                """);
        for (Path path : new Path[] {dir, dir.resolve(SafeTensors.INDEX_FILE)}) {
            try (SafeTensors st = SafeTensors.open(path)) {
                assertThat(st.names()).containsExactly("embeddings.weight", "layer.0.bias", "layer.1.bias");
                assertThat(st.metadata()).containsEntry("total_size", "28").containsEntry("format", "pt");
                assertThat(st.tensor("embeddings.weight").toArray()).containsExactly(1, 2, 3, 4);
                assertThat(st.tensor("layer.1.bias").toArray()).containsExactly(6, 7);
                assertThat(st.info("layer.0.bias").byteSize()).isEqualTo(4);
            }
        }
    }

    @Test
    void singleFileWinsInADirectoryHoldingBoth() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            SafeTensorsWriter.write(dir.resolve(SafeTensors.SINGLE_FILE), Map.of("w", Tensor.of(arena, new float[] {1}, 1)), Map.of());
        }
        Files.writeString(dir.resolve(SafeTensors.INDEX_FILE), "{\"weight_map\": {\"w\": \"missing.safetensors\"}}");
        try (SafeTensors st = SafeTensors.open(dir)) {
            assertThat(st.source().getFileName().toString()).isEqualTo(SafeTensors.SINGLE_FILE);
        }
    }
}
