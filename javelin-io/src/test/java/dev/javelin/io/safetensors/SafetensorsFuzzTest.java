package dev.javelin.io.safetensors;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing of the header parser with Jazzer. In {@code mvn verify} it runs in
 * fuzzing mode for a bounded number of executions (see this module's pom); any input that makes
 * {@link SafeTensors} throw anything but {@link SafetensorsException}, run out of memory, or
 * hand out views that disagree with the header fails the build and is saved under
 * {@code src/test/resources/.../SafetensorsFuzzTestInputs/} to become a regression test.
 */
class SafetensorsFuzzTest {

    private static final Path NAME = Path.of("fuzz.safetensors");

    @DictionaryEntries({"{\"", "\":{\"dtype\":\"", "\",\"shape\":[", "],\"data_offsets\":[", "]}", "__metadata__",
            "F32", "F16", "BF16", "F4", "F6_E2M3", "I64", "BOOL", "F8_E4M3", "18446744073709551615", "4294967296"})
    @MethodSource("seeds")
    @FuzzTest(maxExecutions = 300_000, maxDuration = "3m")
    void onlySafetensorsExceptionEscapes(byte[] input) throws IOException {
        SafeTensors st;
        try {
            st = SafeTensors.of(NAME, MemorySegment.ofArray(input));
        } catch (SafetensorsException e) {
            assertThat(e.getMessage()).startsWith(NAME.toString()).doesNotContain("\n").endsWith("[" + e.rule().id() + "]");
            return;
        }
        try (st) {
            long total = 0;
            for (String name : st.names()) {
                TensorInfo info = st.info(name);
                assertThat(st.bytes(name).byteSize()).isEqualTo(info.byteSize());
                assertThat(info.numel() * info.dtype().bits()).isEqualTo(info.byteSize() * 8);
                total += info.byteSize();
                if (info.dtype().storage().isEmpty()) continue;
                boolean fitsInt = true;
                for (long d : info.shape()) fitsInt &= d <= Integer.MAX_VALUE;
                if (fitsInt) assertThat(st.tensor(name).size()).isEqualTo(info.numel());
            }
            assertThat(total).isLessThanOrEqualTo(input.length);
        }
    }

    /** Starting points: valid files of every kind, so mutations begin inside the format. */
    static Stream<byte[]> seeds() {
        try {
            Path dir = Files.createTempDirectory("fuzz-seeds");
            Path f = dir.resolve("seed.safetensors");
            new SafeTensorsWriter()
                    .add("a", SafetensorsDType.F32, new long[] {2, 2}, MemorySegment.ofArray(new byte[16]))
                    .add("h", SafetensorsDType.F16, new long[] {3}, MemorySegment.ofArray(new byte[6]))
                    .add("b", SafetensorsDType.BF16, new long[] {1, 1}, MemorySegment.ofArray(new byte[2]))
                    .add("q", SafetensorsDType.F4, new long[] {4}, MemorySegment.ofArray(new byte[2]))
                    .add("e", SafetensorsDType.I64, new long[] {0, 7}, MemorySegment.ofArray(new byte[0]))
                    .metadata("format", "pt")
                    .write(f);
            byte[] written = Files.readAllBytes(f);
            Files.delete(f);
            Files.delete(dir);
            return Stream.of(
                    written,
                    Crafted.bytes("{}", 0),
                    Crafted.bytes("{\"__metadata__\":{\"k\":\"v\"},\"s\":{\"dtype\":\"U8\",\"shape\":[],\"data_offsets\":[0,1]}}", 1),
                    Crafted.bytes("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]},"
                            + "\"y\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
