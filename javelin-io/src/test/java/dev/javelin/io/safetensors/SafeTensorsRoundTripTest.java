package dev.javelin.io.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.javelin.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsRoundTripTest {

    @TempDir Path dir;

    @Test
    void f32TensorsAndMetadataRoundTripAsZeroCopyViews() throws IOException {
        Path file = dir.resolve("model.safetensors");
        try (Arena arena = Arena.ofConfined()) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            tensors.put("b.weight", Tensor.of(arena, new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
            tensors.put("a.bias", Tensor.of(arena, new float[] {-1.5f, 7}, 2));
            tensors.put("scalar", Tensor.of(arena, new float[] {42}));
            tensors.put("empty", Tensor.allocate(arena, 0, 5));
            SafeTensorsWriter.write(file, tensors, Map.of("format", "pt", "note", "ünïcode \"quoted\""));
        }
        try (SafeTensors st = SafeTensors.open(file)) {
            assertThat(st.names()).containsExactly("a.bias", "b.weight", "empty", "scalar");
            assertThat(st.metadata()).containsExactlyInAnyOrderEntriesOf(Map.of("format", "pt", "note", "ünïcode \"quoted\""));
            assertThat(st.info("b.weight")).isEqualTo(new TensorInfo("b.weight", SafetensorsDType.F32, new long[] {2, 3}, 24));
            Tensor w = st.tensor("b.weight");
            assertThat(w.shape()).containsExactly(2, 3);
            assertThat(w.toArray()).containsExactly(1, 2, 3, 4, 5, 6);
            assertThat(st.tensor("a.bias").toArray()).containsExactly(-1.5f, 7);
            assertThat(st.tensor("scalar").rank()).isZero();
            assertThat(st.tensor("scalar").toArray()).containsExactly(42);
            assertThat(st.tensor("empty").shape()).containsExactly(0, 5);
            // Zero-copy: the tensor's memory is the mapping's, at the bytes the header points to.
            assertThat(w.segment().isMapped()).isTrue();
            assertThat(w.segment().address()).isEqualTo(st.bytes("b.weight").address());
        }
    }

    @Test
    void headerIsSortedPaddedWithSpacesAndDataIsInNameOrder() throws IOException {
        Path file = dir.resolve("x.safetensors");
        try (Arena arena = Arena.ofConfined()) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            tensors.put("z", Tensor.of(arena, new float[] {3}, 1));
            tensors.put("a", Tensor.of(arena, new float[] {1, 2}, 2));
            SafeTensorsWriter.write(file, tensors, Map.of());
        }
        byte[] bytes = Files.readAllBytes(file);
        long n = MemorySegment.ofArray(bytes).get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        assertThat(n % 8).isZero();
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertThat(header.stripTrailing()).isEqualTo(
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"z\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}");
        assertThat(header.substring(header.stripTrailing().length())).matches(" *");
        assertThat(bytes.length).isEqualTo(8 + n + 12);
        // Written with the same permissions as any new file (the umask), not a temp file's owner-only ones.
        Path plain = Files.createFile(dir.resolve("plain"));
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(Files.getPosixFilePermissions(plain));
        try (var listing = Files.list(dir)) {
            assertThat(listing).noneMatch(p -> p.getFileName().toString().endsWith(".tmp"));
        }
    }

    @Test
    void halfPrecisionTensorsConvertToF32() throws IOException {
        Path file = dir.resolve("half.safetensors");
        short[] f16 = {Float.floatToFloat16(1.5f), Float.floatToFloat16(-2f), Float.floatToFloat16(0.25f)};
        short[] bf16 = {(short) (Float.floatToIntBits(3.0f) >>> 16), (short) (Float.floatToIntBits(-0.5f) >>> 16)};
        new SafeTensorsWriter()
                .add("h", SafetensorsDType.F16, new long[] {3}, le(f16))
                .add("b", SafetensorsDType.BF16, new long[] {2, 1}, le(bf16))
                .add("ids", SafetensorsDType.I64, new long[] {1}, MemorySegment.ofArray(new byte[8]))
                .write(file);
        try (SafeTensors st = SafeTensors.open(file)) {
            assertThat(st.tensor("h").toArray()).containsExactly(1.5f, -2f, 0.25f);
            assertThat(st.tensor("b").toArray()).containsExactly(3.0f, -0.5f);
            assertThat(st.tensor("b").shape()).containsExactly(2, 1);
            assertThat(st.tensor("h")).isSameAs(st.tensor("h"));
            assertThat(st.info("ids").dtype()).isEqualTo(SafetensorsDType.I64);
            assertThat(st.bytes("ids").byteSize()).isEqualTo(8);
            assertThatThrownBy(() -> st.tensor("ids")).isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("\"ids\" is I64");
        }
    }

    @Test
    void unknownNameListsSimilarNames() throws IOException {
        Path file = dir.resolve("model.safetensors");
        try (Arena arena = Arena.ofConfined()) {
            SafeTensorsWriter.write(file, Map.of("bert.embeddings.word_embeddings.weight", Tensor.of(arena, new float[] {1}, 1)), Map.of());
        }
        try (SafeTensors st = SafeTensors.open(dir)) {
            assertThatThrownBy(() -> st.tensor("embeddings.word_embeddings.weight"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no tensor \"embeddings.word_embeddings.weight\"")
                    .hasMessageContaining("similar: bert.embeddings.word_embeddings.weight");
        }
    }

    @Test
    void tensorsAreUnusableAfterClose() throws IOException {
        Path file = dir.resolve("model.safetensors");
        try (Arena arena = Arena.ofConfined()) {
            SafeTensorsWriter.write(file, Map.of("w", Tensor.of(arena, new float[] {1, 2}, 2)), Map.of());
        }
        SafeTensors st = SafeTensors.open(file);
        Tensor w = st.tensor("w");
        st.close();
        assertThatThrownBy(w::toArray).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> st.tensor("w")).isInstanceOf(IllegalStateException.class);
    }

    static MemorySegment le(short[] values) {
        MemorySegment seg = MemorySegment.ofArray(new byte[values.length * 2]);
        for (int i = 0; i < values.length; i++) {
            seg.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 2L * i, values[i]);
        }
        return seg;
    }
}
