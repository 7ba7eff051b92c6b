package dev.javelin.bench;

import dev.javelin.io.safetensors.SafeTensors;
import dev.javelin.io.safetensors.SafeTensorsWriter;
import dev.javelin.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Opening a checkpoint costs O(header), whatever the file size: the same 101 tensor names and
 * ranks as all-MiniLM-L6-v2, once at its real size (90.9 MB of F32) and once with every
 * dimension shrunk to a few elements (12 KB). Equal times mean no tensor bytes are read. Sampled
 * (not averaged) so the median can be quoted on a busy machine.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class SafetensorsOpenBenchmark {

    /** {@code minilm}: the real shapes; {@code tiny}: the same tensors with dimensions of 2–8. */
    @Param({"minilm", "tiny"})
    public String checkpoint;

    private Path dir;
    private Path file;

    @Setup(Level.Trial)
    public void write() throws IOException {
        dir = Files.createTempDirectory("javelin-open-bench");
        file = dir.resolve("model.safetensors");
        boolean real = checkpoint.equals("minilm");
        int vocab = real ? 30522 : 8, positions = real ? 512 : 4, hidden = real ? 384 : 2, ffn = real ? 1536 : 4;
        try (Arena arena = Arena.ofConfined()) {
            Map<String, Tensor> t = new LinkedHashMap<>();
            t.put("embeddings.word_embeddings.weight", Tensor.allocate(arena, vocab, hidden));
            t.put("embeddings.position_embeddings.weight", Tensor.allocate(arena, positions, hidden));
            t.put("embeddings.token_type_embeddings.weight", Tensor.allocate(arena, 2, hidden));
            t.put("embeddings.LayerNorm.weight", Tensor.allocate(arena, hidden));
            t.put("embeddings.LayerNorm.bias", Tensor.allocate(arena, hidden));
            for (int l = 0; l < 6; l++) {
                String p = "encoder.layer." + l + ".";
                for (String m : new String[] {"attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"}) {
                    t.put(p + m + ".weight", Tensor.allocate(arena, hidden, hidden));
                    t.put(p + m + ".bias", Tensor.allocate(arena, hidden));
                }
                t.put(p + "attention.output.LayerNorm.weight", Tensor.allocate(arena, hidden));
                t.put(p + "attention.output.LayerNorm.bias", Tensor.allocate(arena, hidden));
                t.put(p + "intermediate.dense.weight", Tensor.allocate(arena, ffn, hidden));
                t.put(p + "intermediate.dense.bias", Tensor.allocate(arena, ffn));
                t.put(p + "output.dense.weight", Tensor.allocate(arena, hidden, ffn));
                t.put(p + "output.dense.bias", Tensor.allocate(arena, hidden));
                t.put(p + "output.LayerNorm.weight", Tensor.allocate(arena, hidden));
                t.put(p + "output.LayerNorm.bias", Tensor.allocate(arena, hidden));
            }
            t.put("pooler.dense.weight", Tensor.allocate(arena, hidden, hidden));
            t.put("pooler.dense.bias", Tensor.allocate(arena, hidden));
            SafeTensorsWriter.write(file, t, Map.of("format", "pt"));
        }
        System.out.printf("%n%s: %,d bytes%n", checkpoint, Files.size(file));
    }

    @Benchmark
    public int open() throws IOException {
        try (SafeTensors st = SafeTensors.open(file)) {
            return st.names().size();
        }
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException {
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
    }
}
