package dev.javelin.pipelines;

import dev.javelin.bundled.BundledModel;

import dev.javelin.engine.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.javelin.tokenizers.Encoding;
import dev.javelin.tokenizers.Padding;
import dev.javelin.tokenizers.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Encoder behaviour beyond numerical parity: packing, pooling modes, concurrency, errors, the bundled-model cache. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EncoderTest {
    private static final List<String> TEXTS = List.of("one", "two words", "a sentence of several more words than the others",
            "Zürich 東京 🚀", "short again");
    private Path cache;
    private Encoder encoder;

    @BeforeAll
    void load(@TempDir Path tmp) throws Exception {
        cache = tmp;
        encoder = Encoder.load(BundledModel.ALL_MINILM_L6_V2.directory(tmp), "minilm");
    }

    @AfterAll
    void close() {
        encoder.close();
    }

    private List<Encoding> encode(List<String> texts) {
        return texts.stream().map(encoder.tokenizer()::encode).toList();
    }

    @Test
    void infoDescribesTheEmbeddedDefault() {
        ModelInfo info = encoder.info();
        assertThat(info.kind()).isEqualTo(ModelInfo.Kind.EMBEDDING);
        assertThat(info.modelType()).isEqualTo("bert");
        assertThat(info.hiddenSize()).isEqualTo(384);
        assertThat(info.maxInputLength()).isEqualTo(256);
        assertThat(info.pooling()).isEqualTo(Pooling.MEAN);
        assertThat(info.normalize()).isTrue();
        assertThat(info.labels()).isNull();
        assertThatThrownBy(() -> encoder.predict(encode(TEXTS))).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("no classification head");
    }

    @Test
    void poolingModesAgreeWithTheTokenStates() {
        List<Encoding> batch = encode(TEXTS);
        float[][][] tokens = encoder.embedAll(batch);
        for (Pooling p : Pooling.values()) {
            float[][] pooled = encoder.embed(batch, p);
            for (int s = 0; s < batch.size(); s++) {
                float[][] t = tokens[s];
                for (int c = 0; c < 384; c++) {
                    float expected = switch (p) {
                        case CLS -> t[0][c];
                        case LAST_TOKEN -> t[t.length - 1][c];
                        case MEAN -> {
                            double sum = 0;
                            for (float[] row : t) sum += row[c];
                            yield (float) (sum / t.length);
                        }
                        case MAX -> {
                            float m = Float.NEGATIVE_INFINITY;
                            for (float[] row : t) m = Math.max(m, row[c]);
                            yield m;
                        }
                    };
                    assertThat(pooled[s][c]).as("%s pooling, input %d, dim %d", p, s, c).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-5f));
                }
            }
        }
    }

    /** Pad tokens a tokenizer adds are dropped before packing: padded and unpadded inputs give the same vectors. */
    @Test
    void paddingIsDroppedNotComputed() throws Exception {
        Tokenizer padding = encoder.tokenizer().withPadding(Padding.batchLongest());
        List<Encoding> padded = padding.encodeBatch(TEXTS);
        assertThat(padded.stream().mapToInt(Encoding::length).distinct().count()).isEqualTo(1);
        float[][] a = encoder.embed(padded, Pooling.MEAN), b = encoder.embed(encode(TEXTS), Pooling.MEAN);
        for (int i = 0; i < a.length; i++) assertThat(Parity.maxAbsDiff(a[i], b[i])).isLessThan(1e-6);
    }

    @Test
    void batchesAreIndependentOfTheirCompanions() {
        float[][] together = encoder.embed(encode(TEXTS), Pooling.MEAN);
        for (int i = 0; i < TEXTS.size(); i++) {
            float[] alone = encoder.embed(encode(List.of(TEXTS.get(i))), Pooling.MEAN)[0];
            assertThat(Parity.maxAbsDiff(alone, together[i])).isLessThan(2e-6);
        }
        assertThat(encoder.embed(List.of(), Pooling.MEAN)).isEmpty();
    }

    /**
     * Bit-exact: every kernel is deterministic (the exp behind softmax, GELU and attention gives the
     * same bits before and after C2 compiles it), so any difference would be a race — shared
     * scratch, a reused workspace.
     */
    @Test
    void concurrentCallersGetTheSameAnswers() throws Exception {
        float[][] expected = encoder.embed(encode(TEXTS), Pooling.MEAN);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[][]>> futures = new ArrayList<>();
            for (int i = 0; i < 12; i++) futures.add(pool.submit(() -> encoder.embed(encode(TEXTS), Pooling.MEAN)));
            for (Future<float[][]> f : futures) {
                float[][] got = f.get();
                for (int s = 0; s < got.length; s++) assertThat(got[s]).containsExactly(expected[s]);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void inputsBeyondTheModelAreClearErrors() {
        Encoding tooLong = encoder.tokenizer().withoutTruncation().encode("word ".repeat(300));
        assertThatThrownBy(() -> encoder.embed(List.of(tooLong), Pooling.MEAN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 256");
        Encoding empty = encoder.tokenizer().encode("", null, false);
        assertThatThrownBy(() -> encoder.embed(List.of(empty), Pooling.MEAN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no tokens");
    }

    @Test
    void aClosedEncoderRefusesWork() throws Exception {
        Encoder other = Encoder.load(BundledModel.ALL_MINILM_L6_V2.directory(cache), "minilm");
        other.close();
        other.close();
        assertThatThrownBy(() -> other.embed(encode(TEXTS), Pooling.MEAN)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void theBundledModelIsConvertedOnceAndReused() throws Exception {
        Path dir = BundledModel.ALL_MINILM_L6_V2.directory(cache);
        long written = Files.getLastModifiedTime(dir.resolve("model.safetensors")).toMillis();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Path>> again = new ArrayList<>();
            for (int i = 0; i < 3; i++) again.add(pool.submit(() -> BundledModel.ALL_MINILM_L6_V2.directory(cache)));
            for (Future<Path> f : again) assertThat(f.get()).isEqualTo(dir);
        } finally {
            pool.shutdownNow();
        }
        assertThat(Files.getLastModifiedTime(dir.resolve("model.safetensors")).toMillis()).isEqualTo(written);
        assertThat(dir.getFileName().toString()).matches("\\d+\\.\\d+\\.\\d+.*");
        try (var s = Files.list(dir.getParent())) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".tmp-") || n.startsWith("tokenizer-"));
        }
    }

    @Test
    void aMissingModelIsAClearError(@TempDir Path empty) {
        assertThatThrownBy(() -> Encoder.load(empty, "nothing")).hasMessageContaining("tokenizer.json");
        assertThatThrownBy(() -> Encoder.load("/no/such/model/dir")).hasMessageContaining("/no/such/model/dir");
    }

    /**
     * A warmed-up forward pass allocates nothing on the Java heap but the vectors it returns, counted
     * over the calling thread and the compute pool's workers: a pass costs no more bytes than
     * allocating its result alone does (measured the same way), within less than one object per
     * pass. Before the packing buffers, inputs and attention loop were reused, one 16-token sentence
     * allocated ~11 KB a pass, main's build before the pool and operand changes ~25 KB (JMH
     * {@code EncoderForwardBenchmark -prof gc}). Counted bytes, not time: the best of up to 300
     * rounds is taken, so rounds run before C2 has compiled the kernels (whose interpreted Vector API
     * code allocates megabytes) cannot fail it on a loaded machine.
     */
    @Test
    void aWarmedUpForwardPassAllocatesOnlyItsResult() {
        List<Encoding> sentence = List.of(encoder.tokenizer().encode(
                "a sentence of sixteen tokens to embed again and again for the heap"));
        List<Encoding> mixed = encode(List.of("one", "a sentence of several more words than the others", "two words",
                "Zürich 東京 🚀", "short again and again"));
        assertAllocatesOnlyItsResult(sentence);
        assertAllocatesOnlyItsResult(mixed);
    }

    private void assertAllocatesOnlyItsResult(List<Encoding> batch) {
        Pooling pooling = encoder.info().pooling();
        int width = encoder.info().hiddenSize();
        long[] ids = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t == Thread.currentThread() || t.getName().startsWith("javelin-compute-"))
                .mapToLong(Thread::threadId).toArray();
        int passes = 10;
        float[][][] kept = new float[passes][][];
        long result = bestOfRounds(ids, passes, 0, () -> {
            for (int i = 0; i < passes; i++) {
                float[][] vectors = new float[batch.size()][];
                for (int s = 0; s < vectors.length; s++) vectors[s] = new float[width];
                kept[i] = vectors;
            }
        });
        long pass = bestOfRounds(ids, passes, result, () -> {
            for (int i = 0; i < passes; i++) kept[i] = encoder.embed(batch, pooling);
        });
        assertThat(kept[passes - 1]).hasNumberOfRows(batch.size());
        assertThat(pass).as("bytes %d warmed-up passes over %d inputs allocate, against %d for their results alone",
                passes, batch.size(), result).isLessThan(result + 16L * passes);
    }

    /** The fewest bytes {@code run} allocated in a round, stopping early once a round stays at or under {@code enough}. */
    private static long bestOfRounds(long[] threadIds, int passes, long enough, Runnable run) {
        var threadBean = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        run.run();
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 300 && best > enough; round++) {
            long before = sum(threadBean.getThreadAllocatedBytes(threadIds));
            run.run();
            best = Math.min(best, sum(threadBean.getThreadAllocatedBytes(threadIds)) - before);
        }
        return best;
    }

    private static long sum(long[] values) {
        long sum = 0;
        for (long v : values) sum += v;
        return sum;
    }
}
