package dev.javelin.server.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.javelin.engine.Batcher;
import dev.javelin.tokenizers.Encoding;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The scheduling logic of the batching queue, driven with a deterministic backend whose outputs are
 * functions of the token ids (so every result can be checked against its own input) and which can be
 * held inside a batch to let the next one build up. Inputs are real tokenizer encodings of one word
 * (which identifies the input) repeated to the wanted length.
 */
class BatchingQueueTest {
    private final RecordingBackend backend = new RecordingBackend();
    private BatchingQueue queue;

    @AfterEach
    void tearDown() {
        backend.release();
        if (queue != null) {
            queue.close();
        }
    }

    private static Encoding input(int key, int length) {
        return TestInputs.words(key, length);
    }

    private static QueueEntry entry(int key, int length, OutputKind kind) {
        return new QueueEntry(input(key, length), kind, ClientConnection.ALWAYS_OPEN);
    }

    private static EntryResult await(QueueEntry e) throws Exception {
        return e.result().get(10, TimeUnit.SECONDS);
    }

    /** Holds the loop in a first batch so that everything appended next waits for the same cut. */
    private QueueEntry holdLoop() throws InterruptedException {
        backend.hold();
        QueueEntry blocker = entry(999, 1, OutputKind.POOLED);
        queue.append(blocker);
        assertThat(backend.entered.await(10, TimeUnit.SECONDS)).isTrue();
        return blocker;
    }

    @Test
    void everyInputGetsItsOwnResult() throws Exception {
        queue = new BatchingQueue(backend, new Batcher(1000, 0), 64, new ServerMetrics());
        List<QueueEntry> entries = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            entries.add(entry(i * 10, 1 + i % 7, OutputKind.POOLED));
            queue.append(entries.getLast());
        }
        for (QueueEntry e : entries) {
            EntryResult r = await(e);
            assertThat(r.vector()).containsExactly(RecordingBackend.sum(e.input()), e.input().length());
            assertThat(r.tokens()).isNull();
            assertThat(r.queueNanos()).isNotNegative();
            assertThat(r.inferenceNanos()).isPositive();
        }
        assertThat(queue.size()).isZero();
    }

    /** Requests with and without a prompt left out of the pooling share a batch; each input's count reaches the backend. */
    @Test
    void eachInputCarriesItsPromptTokensToThePooling() throws Exception {
        queue = new BatchingQueue(backend, new Batcher(1000, 0), 64, new ServerMetrics());
        QueueEntry blocker = holdLoop();
        QueueEntry plain = entry(10, 6, OutputKind.POOLED);
        QueueEntry prompted = new QueueEntry(input(20, 6), OutputKind.POOLED, ClientConnection.ALWAYS_OPEN, 4);
        queue.append(plain);
        queue.append(prompted);
        backend.release();
        await(blocker);
        assertThat(await(plain).vector()).containsExactly(RecordingBackend.sum(plain.input()), 6);
        assertThat(await(prompted).vector()).containsExactly(RecordingBackend.sum(prompted.input()), 2);
        assertThat(backend.batchLengths().getLast()).containsExactly(6, 6);
    }

    @Test
    void batchesRespectTheTokenBudgetInArrivalOrder() throws Exception {
        queue = new BatchingQueue(backend, new Batcher(20, 0), 64, new ServerMetrics());
        QueueEntry blocker = holdLoop();
        int[] lengths = {8, 8, 8, 3, 12, 5, 5, 5, 5, 1};
        List<QueueEntry> entries = new ArrayList<>();
        int first = 0;
        for (int length : lengths) {
            entries.add(entry(first, length, OutputKind.POOLED));
            queue.append(entries.getLast());
            first += 100;
        }
        assertThat(queue.size()).isEqualTo(lengths.length);
        backend.release();
        await(blocker);
        for (QueueEntry e : entries) {
            await(e);
        }
        // Greedy FIFO cuts under 20 tokens: [8,8] (8 more would make 24), [8,3] (+12 = 23), [12,5], [5,5,5,1].
        assertThat(backend.batchLengths()).containsExactly(
                List.of(1), List.of(8, 8), List.of(8, 3), List.of(12, 5), List.of(5, 5, 5, 1));
        List<Integer> order = backend.keys().subList(1, 11);
        assertThat(order).isSorted();
    }

    @Test
    void anInputLongerThanTheBudgetRunsAlone() throws Exception {
        queue = new BatchingQueue(backend, new Batcher(10, 0), 64, new ServerMetrics());
        QueueEntry blocker = holdLoop();
        QueueEntry small = entry(0, 4, OutputKind.POOLED);
        QueueEntry huge = entry(100, 30, OutputKind.POOLED);
        QueueEntry after = entry(200, 4, OutputKind.POOLED);
        queue.append(small);
        queue.append(huge);
        queue.append(after);
        backend.release();
        await(blocker);
        assertThat(await(huge).vector()[1]).isEqualTo(30f);
        await(after);
        assertThat(backend.batchLengths()).containsExactly(List.of(1), List.of(4), List.of(30), List.of(4));
    }

    @Test
    void maxBatchRequestsCapsTheInputsPerBatch() throws Exception {
        queue = new BatchingQueue(backend, new Batcher(10_000, 3), 64, new ServerMetrics());
        QueueEntry blocker = holdLoop();
        List<QueueEntry> entries = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            entries.add(entry(i * 10, 2, OutputKind.POOLED));
            queue.append(entries.getLast());
        }
        backend.release();
        await(blocker);
        for (QueueEntry e : entries) {
            await(e);
        }
        assertThat(backend.batchLengths()).containsExactly(
                List.of(1), List.of(2, 2, 2), List.of(2, 2, 2), List.of(2, 2));
    }

    @Test
    void abandonedInputsAreDroppedBeforeCompute() throws Exception {
        queue = new BatchingQueue(backend, new Batcher(1000, 0), 64, new ServerMetrics());
        QueueEntry blocker = holdLoop();
        AtomicBoolean connected = new AtomicBoolean(true);
        QueueEntry disconnected = new QueueEntry(input(500, 3), OutputKind.POOLED, connected::get);
        QueueEntry cancelled = entry(600, 3, OutputKind.POOLED);
        QueueEntry kept = entry(700, 3, OutputKind.POOLED);
        queue.append(disconnected);
        queue.append(cancelled);
        queue.append(kept);
        connected.set(false);
        cancelled.result().cancel(false);
        backend.release();
        await(blocker);
        await(kept);
        assertThat(disconnected.result()).isCompletedExceptionally();
        assertThat(backend.keys()).containsExactly(999, 700);
    }

    @Test
    void aFullQueueRefusesAsOverloaded() throws Exception {
        queue = new BatchingQueue(backend, new Batcher(1000, 0), 4, new ServerMetrics());
        holdLoop();
        for (int i = 0; i < 4; i++) {
            queue.append(entry(i, 1, OutputKind.POOLED));
        }
        assertThatThrownBy(() -> queue.append(entry(99, 1, OutputKind.POOLED)))
                .isInstanceOfSatisfying(ServerError.class, e -> assertThat(e.type()).isEqualTo(ErrorType.OVERLOADED));
        assertThat(queue.size()).isEqualTo(4);
    }

    @Test
    void kindsSharingABatchGoToTheirOwnBackendCalls() throws Exception {
        queue = new BatchingQueue(backend, new Batcher(1000, 0), 64, new ServerMetrics());
        QueueEntry blocker = holdLoop();
        QueueEntry pooled = entry(10, 2, OutputKind.POOLED);
        QueueEntry all = entry(20, 3, OutputKind.ALL_TOKENS);
        QueueEntry logits = entry(30, 4, OutputKind.LOGITS);
        queue.append(pooled);
        queue.append(all);
        queue.append(logits);
        backend.release();
        await(blocker);
        assertThat(await(pooled).vector()).containsExactly(RecordingBackend.sum(pooled.input()), 2f);
        EntryResult tokens = await(all);
        assertThat(tokens.vector()).isNull();
        assertThat(tokens.tokens()).hasNumberOfRows(3);
        assertThat(tokens.tokens()[2]).containsExactly((float) all.input().ids()[2]);
        assertThat(await(logits).vector()).containsExactly(-RecordingBackend.sum(logits.input()), 4f);
        assertThat(backend.calls).containsExactly("embed", "embed", "embedAll", "predict");
    }

    @Test
    void aBackendFailureFailsItsBatchAndTheQueueGoesOn() throws Exception {
        queue = new BatchingQueue(backend, new Batcher(1000, 0), 64, new ServerMetrics());
        QueueEntry ok = entry(0, 2, OutputKind.POOLED);
        queue.append(ok);
        await(ok);
        assertThat(queue.healthy()).isTrue();
        long firstSuccess = queue.lastSuccessNanos();

        backend.failNext.set(true);
        QueueEntry failing = entry(0, 2, OutputKind.POOLED);
        queue.append(failing);
        assertThatThrownBy(() -> await(failing)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(ServerError.class, e -> {
                    assertThat(e.type()).isEqualTo(ErrorType.BACKEND);
                    assertThat(e.getMessage()).contains("simulated failure");
                });
        assertThat(queue.healthy()).isFalse();

        QueueEntry recovered = entry(5, 1, OutputKind.POOLED);
        queue.append(recovered);
        assertThat(await(recovered).vector()).containsExactly(RecordingBackend.sum(recovered.input()), 1f);
        assertThat(queue.healthy()).isTrue();
        assertThat(queue.lastSuccessNanos()).isGreaterThan(firstSuccess);
    }

    @Test
    void closeRunsWhatIsQueuedThenRefuses() throws Exception {
        queue = new BatchingQueue(backend, new Batcher(5, 0), 64, new ServerMetrics());
        QueueEntry blocker = holdLoop();
        List<QueueEntry> entries = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            entries.add(entry(i * 10, 3, OutputKind.POOLED));
            queue.append(entries.getLast());
        }
        Thread closer = Thread.ofVirtual().start(queue::close);
        Thread.sleep(50);
        assertThat(closer.isAlive()).as("close waits for queued inputs").isTrue();
        backend.release();
        closer.join(10_000);
        assertThat(closer.isAlive()).isFalse();
        assertThat(blocker.result()).isCompleted();
        for (QueueEntry e : entries) {
            assertThat(e.result()).isCompleted();
            assertThat(e.result().get().vector()[1]).isEqualTo(3f);
        }
        assertThatThrownBy(() -> queue.append(entry(0, 1, OutputKind.POOLED)))
                .isInstanceOfSatisfying(ServerError.class, e -> assertThat(e.type()).isEqualTo(ErrorType.UNHEALTHY));
    }

    /**
     * Embeddings are [sum of ids, length], logits [-sum, length], per-token states [id]: checkable per
     * input. Records each call's inputs; can hold a call until released, and fail one on demand.
     */
    static final class RecordingBackend implements Backend {
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());
        final List<List<Encoding>> batches = Collections.synchronizedList(new ArrayList<>());
        final AtomicBoolean failNext = new AtomicBoolean();
        final CountDownLatch entered = new CountDownLatch(1);
        private volatile CountDownLatch gate = new CountDownLatch(0);

        static float sum(Encoding in) {
            float s = 0;
            for (int id : in.ids()) {
                s += id;
            }
            return s;
        }

        void hold() {
            gate = new CountDownLatch(1);
        }

        void release() {
            gate.countDown();
        }

        List<List<Integer>> batchLengths() {
            synchronized (batches) {
                return batches.stream().map(b -> b.stream().map(Encoding::length).toList()).toList();
            }
        }

        /** The key of each input the backend saw, in order. */
        List<Integer> keys() {
            synchronized (batches) {
                return batches.stream().flatMap(List::stream).map(TestInputs::key).toList();
            }
        }

        private void record(String call, List<Encoding> batch) {
            calls.add(call);
            batches.add(List.copyOf(batch));
            entered.countDown();
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (failNext.getAndSet(false)) {
                throw new IllegalStateException("simulated failure");
            }
        }

        @Override
        public float[][] embed(List<Encoding> batch, int[] outsidePooling) {
            record("embed", batch);
            float[][] out = new float[batch.size()][];
            for (int i = 0; i < out.length; i++) out[i] = new float[] {sum(batch.get(i)), batch.get(i).length() - outsidePooling[i]};
            return out;
        }

        @Override
        public float[][][] embedAll(List<Encoding> batch) {
            record("embedAll", batch);
            float[][][] out = new float[batch.size()][][];
            for (int b = 0; b < batch.size(); b++) {
                int[] ids = batch.get(b).ids();
                out[b] = new float[ids.length][];
                for (int t = 0; t < ids.length; t++) {
                    out[b][t] = new float[] {ids[t]};
                }
            }
            return out;
        }

        @Override
        public float[][] predict(List<Encoding> batch) {
            record("predict", batch);
            return batch.stream().map(in -> new float[] {-sum(in), in.length()}).toArray(float[][]::new);
        }
    }
}
