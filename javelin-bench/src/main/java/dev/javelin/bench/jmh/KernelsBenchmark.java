package dev.javelin.bench.jmh;

import dev.javelin.kernels.Gelu;
import dev.javelin.kernels.LayerNormKernel;
import dev.javelin.kernels.MatMul;
import dev.javelin.kernels.Softmax;
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
 * The non-matmul kernels and matmulTransB at the shapes a BERT-base-sized encoder (MiniLM, BGE-small:
 * hidden 384, FFN 1536, 12 heads) feeds them for a batch of {@code tokens} tokens. Run with
 * {@code java -cp … org.openjdk.jmh.Main KernelsBenchmark} (see the README).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class KernelsBenchmark {
    /** Tokens in the batch: one short sentence, and 32 sentences of 128 tokens packed together. */
    @Param({"16", "4096"})
    public int tokens;

    private static final int HIDDEN = 384;
    private static final int FFN = 1536;
    private static final int HEADS = 12;

    private Arena arena;
    private Tensor hidden;       // [tokens, 384]: layer norm input
    private Tensor gamma, beta;
    private Tensor ffn;          // [tokens, 1536]: GELU input
    private Tensor scores;       // [heads, seq, seq]: softmax input, seq = min(tokens, 128)
    private Tensor weightUp;     // [1536, 384]: PyTorch layout, used as A·Wᵀ
    private Tensor weightDown;   // [384, 1536]
    private Tensor upOut, downOut;
    private float[] hiddenInit, ffnInit, scoresInit;

    @Setup(Level.Trial)
    public void setup() {
        arena = Arena.ofShared();
        SplittableRandom rnd = new SplittableRandom(1);
        int seq = Math.min(tokens, 128);
        int batches = tokens / seq;
        hidden = RandomTensors.of(arena, rnd, tokens, HIDDEN);
        gamma = RandomTensors.of(arena, rnd, HIDDEN);
        beta = RandomTensors.of(arena, rnd, HIDDEN);
        ffn = RandomTensors.of(arena, rnd, tokens, FFN);
        scores = RandomTensors.of(arena, rnd, batches * HEADS, seq, seq);
        weightUp = RandomTensors.of(arena, rnd, FFN, HIDDEN);
        weightDown = RandomTensors.of(arena, rnd, HIDDEN, FFN);
        upOut = Tensor.allocate(arena, tokens, FFN);
        downOut = Tensor.allocate(arena, tokens, HIDDEN);
        hiddenInit = hidden.toArray();
        ffnInit = ffn.toArray();
        scoresInit = scores.toArray();
    }

    /** In-place kernels would otherwise run on their own output from the second call on. */
    @Setup(Level.Invocation)
    public void restoreInputs() {
        hidden.copyFrom(hiddenInit);
        ffn.copyFrom(ffnInit);
        scores.copyFrom(scoresInit);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public Tensor softmaxAttentionScores() {
        Softmax.rows(scores);
        return scores;
    }

    @Benchmark
    public Tensor layerNormHidden() {
        LayerNormKernel.apply(hidden, gamma, beta, 1e-12f);
        return hidden;
    }

    @Benchmark
    public Tensor geluFeedForward() {
        Gelu.apply(ffn);
        return ffn;
    }

    @Benchmark
    public Tensor matmulTransBUpProjection() {
        MatMul.matmulTransB(hidden, weightUp, upOut);
        return upOut;
    }

    @Benchmark
    public Tensor matmulTransBDownProjection() {
        MatMul.matmulTransB(ffn, weightDown, downOut);
        return downOut;
    }
}
