package dev.javelin.io.safetensors;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What the format allows must open: the reader is strict, not stricter than the format. */
class SafetensorsAcceptsTest {

    @TempDir Path dir;

    private SafeTensors open(String header, int dataBytes) throws IOException {
        return SafeTensors.open(Crafted.write(dir.resolve("ok.safetensors"), Crafted.bytes(header, dataBytes)));
    }

    @Test
    void noTensors() throws IOException {
        try (SafeTensors st = open("{}", 0)) {
            assertThat(st.names()).isEmpty();
            assertThat(st.metadata()).isEmpty();
        }
    }

    @Test
    void trailingWhitespacePaddingAndNullMetadata() throws IOException {
        try (SafeTensors st = open("{\"__metadata__\":null}  \n\t  ", 0)) {
            assertThat(st.metadata()).isEmpty();
        }
    }

    @Test
    void headerOrderNeedNotFollowDataOrder() throws IOException {
        String header = "{\"b\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[2,4]},"
                + "\"a\":{\"dtype\":\"I16\",\"shape\":[],\"data_offsets\":[0,2]}}";
        try (SafeTensors st = open(header, 4)) {
            assertThat(st.names()).containsExactly("a", "b");
            assertThat(st.bytes("b").toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)).containsExactly(2, 3);
        }
    }

    @Test
    void emptyTensorsMayShareAnOffset() throws IOException {
        String header = "{\"e1\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"e2\":{\"dtype\":\"F64\",\"shape\":[3,0,2],\"data_offsets\":[4,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]},"
                + "\"e0\":{\"dtype\":\"BOOL\",\"shape\":[0],\"data_offsets\":[0,0]}}";
        try (SafeTensors st = open(header, 8)) {
            assertThat(st.names()).containsExactly("a", "b", "e0", "e1", "e2");
            assertThat(st.info("e2").shape()).containsExactly(3L, 0L, 2L);
            assertThat(st.tensor("e1").shape()).containsExactly(0);
            assertThat(st.info("e2").byteSize()).isZero();
        }
    }

    @Test
    void unicodeEscapedAndEmptyNames() throws IOException {
        String header = "{\"\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},"
                + "\"caf\\u00e9.\\ud83d\\ude00\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,2]},"
                + "\"__metadata__\":{\"\\u65e5\\u672c\":\"\\n\"}}";
        try (SafeTensors st = open(header, 2)) {
            assertThat(st.names()).containsExactly("", "café.😀");
            assertThat(st.metadata()).containsEntry("日本", "\n");
        }
    }

    @ParameterizedTest
    @EnumSource(SafetensorsDType.class)
    void everyFormatDtypeIsRecognised(SafetensorsDType dtype) throws IOException {
        // 8 elements: a whole number of bytes for every element size, packed ones included.
        long bytes = 8L * dtype.bits() / 8;
        Path file = dir.resolve(dtype + ".safetensors");
        new SafeTensorsWriter().add("t", dtype, new long[] {2, 4}, MemorySegment.ofArray(new byte[(int) bytes])).write(file);
        try (SafeTensors st = SafeTensors.open(file)) {
            assertThat(st.info("t")).isEqualTo(new TensorInfo("t", dtype, new long[] {2, 4}, bytes));
            assertThat(st.bytes("t").byteSize()).isEqualTo(bytes);
        }
    }

    @Test
    void dtypeSpellingsMatchTheFormat() {
        assertThat(Arrays.stream(SafetensorsDType.values()).map(Enum::name).collect(Collectors.toSet())).contains(
                "BOOL", "U8", "I8", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64",
                "F8_E4M3", "F8_E5M2", "F8_E8M0", "F4", "F6_E2M3", "F6_E3M2", "F8_E4M3FNUZ", "F8_E5M2FNUZ", "C64");
    }
}
