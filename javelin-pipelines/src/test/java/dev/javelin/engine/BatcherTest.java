package dev.javelin.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The one place batches are cut: consecutive, in order, by token budget and input count. */
class BatcherTest {

    @Test
    void cutsConsecutiveBatchesWithinTheTokenBudget() {
        Batcher batcher = new Batcher(20, 0);
        List<Integer> lengths = List.of(8, 8, 8, 3, 12, 5, 5, 5, 5, 1);
        assertThat(batcher.split(lengths, Integer::intValue))
                .containsExactly(List.of(8, 8), List.of(8, 3), List.of(12, 5), List.of(5, 5, 5, 1));
    }

    @Test
    void anInputOverTheBudgetRunsAlone() {
        assertThat(new Batcher(10, 0).split(List.of(4, 30, 4), Integer::intValue))
                .containsExactly(List.of(4), List.of(30), List.of(4));
    }

    @Test
    void theInputCountCapsABatch() {
        assertThat(new Batcher(1000, 3).split(List.of(1, 1, 1, 1, 1, 1, 1), Integer::intValue))
                .containsExactly(List.of(1, 1, 1), List.of(1, 1, 1), List.of(1));
        assertThat(new Batcher(1000, 3).admits(3, 3, 1)).isFalse();
        assertThat(new Batcher(1000, 3).admits(0, 0, 5000)).isTrue();
    }

    @Test
    void batchesAreCutLazily() {
        AtomicInteger pulled = new AtomicInteger();
        Iterator<Integer> items = IntStream.range(0, 1_000_000).peek(i -> pulled.incrementAndGet()).boxed().iterator();
        Iterator<List<Integer>> batches = new Batcher(4, 0).batches(items, i -> 1);
        assertThat(batches.next()).containsExactly(0, 1, 2, 3);
        assertThat(batches.next()).containsExactly(4, 5, 6, 7);
        // One item is read ahead to close each batch; nothing more is pulled.
        assertThat(pulled.get()).isEqualTo(9);
        assertThat(new Batcher(4, 0).batches(List.<Integer>of().iterator(), i -> 1).hasNext()).isFalse();
    }

    @Test
    void limitsMustMakeSense() {
        assertThatThrownBy(() -> new Batcher(0, 0)).hasMessageContaining("token budget must be positive");
        assertThatThrownBy(() -> new Batcher(10, -1)).hasMessageContaining("most inputs per batch");
        assertThat(Batcher.DEFAULT.maxTokens()).isEqualTo(Batcher.DEFAULT_MAX_TOKENS);
    }
}
