package dev.javelin.bench.jmh;

import dev.javelin.kernels.ComputePool;
import dev.javelin.kernels.Epilogue;
import dev.javelin.kernels.MatMul;
import dev.javelin.kernels.PackedWeight;
import dev.javelin.tensor.Tensor;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
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
 * The 24 linear layers of one all-MiniLM-L6-v2 forward pass (6 layers × QKV 384→1152, output
 * 384→384, FFN up 384→1536, FFN down 1536→384), over weights packed as F32, int8 or bf16, for a
 * batch of {@code tokens} tokens. Each layer has its own weights, as in the model, so a pass streams
 * all of them (42.5 MB as F32, 10.6 MB as int8) rather than rereading one from cache. This is what
 * decides whether a narrower weight makes a short request faster: on the 2-core Zen 4 the product at
 * 16 tokens is bound by FMA throughput, not by the bytes (docs/quantization.md).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class PackedWeightBenchmark {
    @Param({"16", "4096"})
    public int tokens;

    @Param({"F32", "INT8", "BF16"})
    public PackedWeight.Format format;

    /** Compute threads (the caller counts as one). */
    @Param({"1"})
    public int threads;

    private static final int HIDDEN = 384;
    private static final int FFN = 1536;
    private static final int LAYERS = 6;
    /** [out, in] of each linear of a layer, in PyTorch layout. */
    private static final int[][] SHAPES = {{3 * HIDDEN, HIDDEN}, {HIDDEN, HIDDEN}, {FFN, HIDDEN}, {HIDDEN, FFN}};

    private Arena arena;
    private ComputePool pool;
    private final List<PackedWeight> weights = new ArrayList<>();
    private Tensor hidden, ffn;
    private Tensor[] outputs;

    @Setup(Level.Trial)
    public void setup() {
        arena = Arena.ofShared();
        pool = ComputePool.create(threads);
        SplittableRandom rnd = new SplittableRandom(1);
        for (int layer = 0; layer < LAYERS; layer++) {
            for (int[] shape : SHAPES) {
                Tensor w = RandomTensors.of(arena, rnd, shape[0], shape[1]);
                weights.add(switch (format) {
                    case F32 -> PackedWeight.ofTransposed(w);
                    case INT8 -> PackedWeight.int8OfTransposed(w);
                    case BF16 -> PackedWeight.bf16OfTransposed(w);
                    case F16 -> throw new IllegalArgumentException("F16 is only loaded as stored, never narrowed to");
                });
            }
        }
        hidden = RandomTensors.of(arena, rnd, tokens, HIDDEN);
        ffn = RandomTensors.of(arena, rnd, tokens, FFN);
        outputs = new Tensor[SHAPES.length];
        for (int i = 0; i < SHAPES.length; i++) outputs[i] = Tensor.allocate(arena, tokens, SHAPES[i][0]);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
        arena.close();
    }

    @Benchmark
    public Tensor[] linearsOfOnePass() {
        for (int i = 0; i < weights.size(); i++) {
            int s = i % SHAPES.length;
            MatMul.matmul(s == SHAPES.length - 1 ? ffn : hidden, weights.get(i), Epilogue.NONE, null, outputs[s], pool);
        }
        return outputs;
    }
}
