package dev.javelin.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.javelin.tensor.Tensor;
import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;

class PackedSequencesTest {
    @Test
    void aReusablePackingRepackedMatchesAFreshOne() {
        PackedSequences reused = PackedSequences.reusable();
        assertThat(reused.count()).isZero();
        assertThat(reused.totalTokens()).isZero();
        int[][] batches = {{5, 1, 9, 3}, {2}, {7, 7, 1, 4, 4, 6}, {3, 8}};
        for (int[] lengths : batches) {
            // a longer, reused lengths array: only the first count entries are the batch's
            int[] padded = java.util.Arrays.copyOf(lengths, lengths.length + 3);
            java.util.Arrays.fill(padded, lengths.length, padded.length, -1);
            PackedSequences fresh = PackedSequences.ofLengths(lengths);
            assertThat(reused.repack(padded, lengths.length)).isSameAs(reused);
            assertThat(reused.count()).isEqualTo(fresh.count());
            assertThat(reused.totalTokens()).isEqualTo(fresh.totalTokens());
            assertThat(reused.maxLength()).isEqualTo(fresh.maxLength());
            assertThat(reused.positions()).containsExactly(fresh.positions());
            for (int s = 0; s < lengths.length; s++) {
                assertThat(reused.start(s)).isEqualTo(fresh.start(s));
                assertThat(reused.end(s)).isEqualTo(fresh.end(s));
            }
        }
    }

    @Test
    void onlyAReusablePackingChangesAndEmptySequencesAreRefused() {
        assertThatThrownBy(() -> PackedSequences.ofLengths(3).repack(new int[] {2}, 1))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("reusable()");
        assertThatThrownBy(() -> PackedSequences.reusable().repack(new int[] {2, 0}, 2)).hasMessageContaining("sequence 1 is empty");
        assertThatThrownBy(() -> PackedSequences.reusable().repack(new int[] {2}, 2)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void everyTokenBelongsToTheSequenceWhoseRowsHoldIt() {
        int[][] batches = {{1}, {5, 1, 9, 3}, {1, 1, 1}, {128, 128, 7}};
        for (int[] lengths : batches) {
            PackedSequences seqs = PackedSequences.ofLengths(lengths);
            for (int s = 0; s < seqs.count(); s++) {
                for (int t = seqs.start(s); t < seqs.end(s); t++) assertThat(seqs.sequenceOf(t)).as("token %d of %s", t, seqs).isEqualTo(s);
            }
            assertThatThrownBy(() -> seqs.sequenceOf(seqs.totalTokens())).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> seqs.sequenceOf(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        }
    }

    /** A batch whose positions run past the table is refused with the positions it needed. */
    @Test
    void positionsPastTheTableAreRefused() {
        try (Arena arena = Arena.ofConfined()) {
            Random r = new Random(7);
            Embedding table = new Embedding(r.tensor(arena, 1f, 20, 8));
            PackedSequences seqs = PackedSequences.ofLengths(4, 1, 6);
            Tensor out = r.tensor(arena, 1f, seqs.totalTokens(), 8);
            table.requirePositions(seqs, 14, out); // positions 14 to 19: the last rows of the table
            assertThatThrownBy(() -> table.requirePositions(seqs, 15, out)).hasMessageContaining("positions 15 to 20");
        }
    }

    /** A workspace and a packing reused by batches of other shapes give what fresh ones give, bit for bit. */
    @Test
    void aLayerOverAReusedWorkspaceAndPackingMatchesFreshOnes() {
        try (Arena arena = Arena.ofConfined()) {
            Random r = new Random(11);
            PostNormBlock layer = PostNormBlockTest.layer(arena, r);
            Workspace ws = new Workspace();
            PackedSequences reused = PackedSequences.reusable();
            for (int[] lengths : new int[][] {{5, 1, 9, 3}, {4}, {5, 1, 9, 3}, {2, 2, 2, 2, 2, 2, 2}}) {
                PackedSequences fresh = PackedSequences.ofLengths(lengths);
                Tensor input = r.tensor(arena, 1, fresh.totalTokens(), PostNormBlockTest.HIDDEN);
                Tensor expected = input.copy(arena), actual = input.copy(arena);
                layer.forward(expected, fresh, null, new Workspace());
                layer.forward(actual, reused.repack(lengths, lengths.length), null, ws);
                assertThat(actual.toArray()).containsExactly(expected.toArray());
            }
        }
    }
}
