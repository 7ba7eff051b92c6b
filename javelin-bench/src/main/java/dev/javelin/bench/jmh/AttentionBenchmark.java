package dev.javelin.bench.jmh;

import dev.javelin.kernels.AttentionWindow;
import dev.javelin.kernels.ScaledDotProductAttention;
import dev.javelin.kernels.ScaledDotProductAttention.Kernel;
import dev.javelin.tensor.Tensor;
import java.lang.foreign.Arena;
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
 * Attention alone, one head of one sequence on one thread, as the forward pass runs it (read in
 * place from packed Q/K/V projections of 12 heads), with the fused and the blocked kernel side by
 * side: the measurement behind {@code ScaledDotProductAttention.Kernel.forShape}'s thresholds (see
 * docs/kernels.md, "Attention"). Run with {@code java -cp … org.openjdk.jmh.Main AttentionBenchmark}
 * and {@code -p tokens=… -p headDim=…} to pick shapes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class AttentionBenchmark {
    private static final int HEADS = 12;

    @Param({"128", "256", "512", "1024", "2048"})
    public int tokens;

    /** 32: MiniLM, BGE-small; 64: BERT-base, ModernBERT; 128: Qwen3. */
    @Param({"32", "64", "128"})
    public int headDim;

    /** full: encoders; causal: decoders; band64: ModernBERT's local layers (a 128-token window). */
    @Param({"full", "causal", "band64"})
    public String window;

    @Param({"FUSED", "BLOCKED"})
    public Kernel kernel;

    private Arena arena;
    private Tensor qkv, q, k, v, out;
    private AttentionWindow attentionWindow;
    private float scale;

    @Setup(Level.Trial)
    public void setup() {
        arena = Arena.ofShared();
        int cols = HEADS * headDim;
        qkv = RandomTensors.of(arena, new SplittableRandom(1), tokens, 3 * cols);
        q = qkv.slice(1, 0, cols);
        k = qkv.slice(1, cols, 2 * cols);
        v = qkv.slice(1, 2 * cols, 3 * cols);
        out = Tensor.allocate(arena, tokens, cols);
        attentionWindow = switch (window) {
            case "full" -> AttentionWindow.FULL;
            case "causal" -> AttentionWindow.CAUSAL;
            case "band64" -> AttentionWindow.band(64);
            default -> throw new IllegalArgumentException("window must be full, causal or band64, got " + window);
        };
        scale = (float) (1 / Math.sqrt(headDim));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public Tensor oneHead() {
        ScaledDotProductAttention.applyHead(q, k, v, out, 0, tokens, 5, 5, headDim, scale, null, null, attentionWindow, kernel);
        return out;
    }
}
