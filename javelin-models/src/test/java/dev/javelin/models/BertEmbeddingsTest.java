package dev.javelin.models;

import static org.assertj.core.api.Assertions.assertThat;

import dev.javelin.nn.Embedding;
import dev.javelin.nn.LayerNorm;
import dev.javelin.nn.PackedSequences;
import dev.javelin.tensor.Tensor;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BertEmbeddingsTest {
    private static final int HIDDEN = 384;

    /**
     * The embeddings sum each token's rows on the pool once a batch is large: bit for bit what the
     * whole-table passes (word lookup, then positions gathered by a positions array, then token
     * types, then the norm) give, for
     * batches on both sides of the parallel threshold, with and without token types.
     */
    @Test
    void rowSumsOnThePoolMatchWholeTablePasses() {
        SplittableRandom random = new SplittableRandom(11);
        try (Arena arena = Arena.ofShared()) {
            Embedding word = new Embedding(randomTensor(arena, random, 50, HIDDEN));
            Embedding position = new Embedding(randomTensor(arena, random, 140, HIDDEN));
            Embedding tokenType = new Embedding(randomTensor(arena, random, 2, HIDDEN));
            LayerNorm norm = new LayerNorm(randomTensor(arena, random, HIDDEN), randomTensor(arena, random, HIDDEN), 1e-12f);
            BertEmbeddings embeddings = new BertEmbeddings(word, position, tokenType, norm, 2);
            for (int[] lengths : new int[][] {{3, 1, 4}, {128, 7, 128, 1, 60}}) {
                PackedSequences seqs = PackedSequences.ofLengths(lengths);
                int tokens = seqs.totalTokens();
                int[] ids = new int[tokens], types = new int[tokens], mask = new int[tokens];
                for (int t = 0; t < tokens; t++) {
                    ids[t] = random.nextInt(50);
                    types[t] = random.nextInt(2);
                    mask[t] = 1;
                }
                for (int[] typeIds : new int[][] {types, null}) {
                    Tensor got = Tensor.allocate(arena, tokens, HIDDEN);
                    embeddings.forward(new TokenBatch(ids, typeIds, mask, seqs), got);

                    Tensor want = Tensor.allocate(arena, tokens, HIDDEN);
                    word.lookup(ids, want);
                    int[] positions = seqs.positions();
                    for (int t = 0; t < tokens; t++) positions[t] += 2;
                    position.accumulate(positions, want);
                    tokenType.accumulate(typeIds == null ? new int[tokens] : typeIds, want);
                    norm.forward(want);
                    assertThat(got.toArray()).as("lengths %s, types %s", java.util.Arrays.toString(lengths), typeIds != null)
                            .containsExactly(want.toArray());
                }
            }
        }
    }

    private static Tensor randomTensor(Arena arena, SplittableRandom random, int... shape) {
        int size = 1;
        for (int d : shape) size *= d;
        float[] values = new float[size];
        for (int i = 0; i < values.length; i++) values[i] = (float) random.nextGaussian();
        return Tensor.of(arena, values, shape);
    }
}
