package dev.javelin.bench;

import dev.javelin.bundled.BundledModel;
import dev.javelin.engine.Encoder;
import dev.javelin.models.WeightDType;
import dev.javelin.tokenizers.Encoding;
import java.util.List;
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
 * One steady-state forward pass of all-MiniLM-L6-v2 (encoder and mean pooling, F32) over the
 * {@code bench encoder} cases, for its allocation: run with {@code -prof gc}, whose
 * {@code gc.alloc.rate.norm} is the bytes one pass allocates on the Java heap, summed over every
 * thread (the compute pool's workers included). The sentence vectors a pass returns are part of
 * it: 1.5 KB per sentence plus the array of rows.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx2g"})
public class EncoderForwardBenchmark {
    @Param({"b1x16", "b32x128"})
    public String shape;

    private Encoder encoder;
    private List<Encoding> batch;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        BundledModel model = BundledModel.ALL_MINILM_L6_V2;
        encoder = Encoder.load(model.directory(), model.modelId(), WeightDType.F32);
        batch = EncoderBenchCommand.batch(encoder, shape);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        encoder.close();
    }

    @Benchmark
    public float[][] forward() {
        return encoder.embed(batch, encoder.info().pooling());
    }
}
