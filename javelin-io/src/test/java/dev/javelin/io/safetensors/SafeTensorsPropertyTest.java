package dev.javelin.io.safetensors;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Random valid checkpoints (fixed seeds, so a failure names its seed) survive write → read → write. */
class SafeTensorsPropertyTest {

    @TempDir Path dir;

    record Written(SafetensorsDType dtype, long[] shape, byte[] bytes) {}

    static IntStream seeds() {
        return IntStream.range(0, 200);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomCheckpointsRoundTrip(int seed) throws IOException {
        Random rnd = new Random(seed);
        Map<String, Written> tensors = new HashMap<>();
        Map<String, String> metadata = new HashMap<>();
        SafeTensorsWriter writer = new SafeTensorsWriter();
        int count = rnd.nextInt(9);
        while (tensors.size() < count) {
            String name = randomText(rnd, 1 + rnd.nextInt(12));
            if (tensors.containsKey(name) || name.equals("__metadata__")) continue;
            SafetensorsDType dtype = SafetensorsDType.values()[rnd.nextInt(SafetensorsDType.values().length)];
            long[] shape = new long[rnd.nextInt(5)];
            for (int i = 0; i < shape.length; i++) shape[i] = rnd.nextInt(6);
            long bits = dtype.bits();
            for (long d : shape) bits *= d;
            if (bits % 8 != 0) continue; // packed types need whole bytes; the rules test covers the rest
            byte[] bytes = new byte[(int) (bits / 8)];
            rnd.nextBytes(bytes);
            tensors.put(name, new Written(dtype, shape, bytes));
            writer.add(name, dtype, shape, MemorySegment.ofArray(bytes));
        }
        for (int i = rnd.nextInt(4); i > 0; i--) {
            String k = randomText(rnd, rnd.nextInt(8)), v = randomText(rnd, rnd.nextInt(20));
            metadata.put(k, v);
            writer.metadata(k, v);
        }
        Path first = dir.resolve("first.safetensors");
        writer.write(first);

        try (SafeTensors st = SafeTensors.open(first)) {
            assertThat(st.names()).containsExactlyInAnyOrderElementsOf(tensors.keySet());
            assertThat(st.metadata()).isEqualTo(metadata);
            SafeTensorsWriter again = new SafeTensorsWriter();
            st.metadata().forEach(again::metadata);
            for (var e : tensors.entrySet()) {
                Written w = e.getValue();
                TensorInfo info = st.info(e.getKey());
                assertThat(info).isEqualTo(new TensorInfo(e.getKey(), w.dtype(), w.shape(), w.bytes().length));
                assertThat(st.bytes(e.getKey()).toArray(ValueLayout.JAVA_BYTE)).isEqualTo(w.bytes());
                if (w.dtype().storage().isPresent()) {
                    assertThat(st.tensor(e.getKey()).toArray()).isEqualTo(asF32(w));
                }
                again.add(e.getKey(), info.dtype(), info.shape(), st.bytes(e.getKey()));
            }
            Path second = dir.resolve("second.safetensors");
            again.write(second);
            assertThat(Files.readAllBytes(second)).isEqualTo(Files.readAllBytes(first));
        }
    }

    /** Reference decoding, element by element, independent of Tensor.convert. */
    private static float[] asF32(Written w) {
        MemorySegment seg = MemorySegment.ofArray(w.bytes());
        int n = w.bytes().length * 8 / w.dtype().bits();
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = switch (w.dtype()) {
                case F32 -> seg.get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 4L * i);
                case F16 -> Float.float16ToFloat(seg.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 2L * i));
                case BF16 -> Float.intBitsToFloat((seg.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 2L * i) & 0xffff) << 16);
                default -> throw new AssertionError(w.dtype());
            };
        }
        return out;
    }

    /** Names and values from every corner of Unicode JSON must escape: quotes, backslashes, controls, astral. */
    private static String randomText(Random rnd, int length) {
        String[] pieces = {"a", "Z", "0", ".", "_", "\"", "\\", "/", "\n", "\t", "\u0000", "\u007f", "é", "日", "😀", " ", "weight", "layer."};
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) sb.append(pieces[rnd.nextInt(pieces.length)]);
        return sb.toString();
    }
}
