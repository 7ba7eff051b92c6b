package dev.javelin.nn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.javelin.tensor.Tensor;
import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;

/**
 * Packing is only correct if sequences cannot see each other: a packed batch must give every token
 * exactly what running its sequence alone gives, and a right-padded sequence with its mask must give
 * the real tokens what the unpadded sequence gives.
 */
class PostNormBlockTest {
    static final int HIDDEN = 24, HEADS = 3, INNER = 40;

    @Test
    void packedSequencesDoNotSeeEachOther() {
        try (Arena arena = Arena.ofConfined()) {
            Random r = new Random(42);
            PostNormBlock layer = layer(arena, r);
            int[] lengths = {5, 1, 9, 3};
            PackedSequences packed = PackedSequences.ofLengths(lengths);
            Tensor input = r.tensor(arena, 1, packed.totalTokens(), HIDDEN);
            Tensor x = input.copy(arena);
            layer.forward(x, packed, null, new Workspace());

            for (int s = 0; s < lengths.length; s++) {
                Tensor alone = input.slice(0, packed.start(s), packed.end(s)).copy(arena);
                layer.forward(alone, PackedSequences.ofLengths(lengths[s]), null, new Workspace());
                assertThat(Random.maxAbsDiff(alone, x.slice(0, packed.start(s), packed.end(s)).copy(arena)))
                        .as("sequence %d", s).isLessThan(1e-5f);
            }
        }
    }

    @Test
    void maskedPaddingMatchesTheUnpaddedSequence() {
        try (Arena arena = Arena.ofConfined()) {
            Random r = new Random(3);
            PostNormBlock layer = layer(arena, r);
            Tensor padded = r.tensor(arena, 1, 10, HIDDEN);
            Tensor real = padded.slice(0, 0, 6).copy(arena);
            int[] mask = {1, 1, 1, 1, 1, 1, 0, 0, 0, 0};
            layer.forward(padded, PackedSequences.ofLengths(10), mask, new Workspace());
            layer.forward(real, PackedSequences.ofLengths(6), null, new Workspace());
            assertThat(Random.maxAbsDiff(real, padded.slice(0, 0, 6).copy(arena))).isLessThan(1e-5f);
        }
    }

    /**
     * The block's norms run inside its last products (a LayerNorm as each row is written): the
     * same bits as the attention and the feed-forward followed by their norms as passes of their own.
     */
    @Test
    void normsRunByTheProductsGiveTheSeparatePassesBitForBit() {
        try (Arena arena = Arena.ofConfined()) {
            Random r = new Random(7);
            float w = (float) (1 / Math.sqrt(HIDDEN));
            SelfAttention attention = new SelfAttention(linear(arena, r, HIDDEN, 3 * HIDDEN, w), linear(arena, r, HIDDEN, HIDDEN, w),
                    HEADS, HEADS, HIDDEN / HEADS);
            FeedForward ffn = new FeedForward(linear(arena, r, HIDDEN, INNER, w), linear(arena, r, INNER, HIDDEN, (float) (1 / Math.sqrt(INNER))));
            LayerNorm norm1 = norm(arena, r), norm2 = norm(arena, r);
            PackedSequences seqs = PackedSequences.ofLengths(130, 7, 64);
            Tensor input = r.tensor(arena, 1, seqs.totalTokens(), HIDDEN);

            Tensor x = input.copy(arena);
            new PostNormBlock(attention, norm1, ffn, norm2).forward(x, seqs, null, new Workspace());

            Tensor expected = input.copy(arena), h = Tensor.allocate(arena, seqs.totalTokens(), HIDDEN);
            Workspace ws = new Workspace();
            attention.forward(expected, expected, seqs, null, h, ws);
            norm1.forward(h);
            ffn.forward(h, h, expected, ws);
            norm2.forward(expected);
            float[] got = x.toArray(), want = expected.toArray();
            for (int i = 0; i < got.length; i++) {
                assertThat(Float.floatToRawIntBits(got[i])).as("element %d", i).isEqualTo(Float.floatToRawIntBits(want[i]));
            }
        }
    }

    static PostNormBlock layer(Arena arena, Random r) {
        float w = (float) (1 / Math.sqrt(HIDDEN));
        SelfAttention attention = new SelfAttention(linear(arena, r, HIDDEN, 3 * HIDDEN, w), linear(arena, r, HIDDEN, HIDDEN, w),
                HEADS, HEADS, HIDDEN / HEADS);
        FeedForward ffn = new FeedForward(linear(arena, r, HIDDEN, INNER, w), linear(arena, r, INNER, HIDDEN, (float) (1 / Math.sqrt(INNER))));
        return new PostNormBlock(attention, norm(arena, r), ffn, norm(arena, r));
    }

    static Linear linear(Arena arena, Random r, int in, int out, float scale) {
        return new Linear(r.tensor(arena, scale, out, in), r.tensor(arena, 0.1f, out));
    }

    static LayerNorm norm(Arena arena, Random r) {
        Tensor gamma = r.tensor(arena, 0.1f, HIDDEN);
        for (int i = 0; i < HIDDEN; i++) gamma.setFlat(i, gamma.getFlat(i) + 1);
        return new LayerNorm(gamma, r.tensor(arena, 0.1f, HIDDEN), 1e-12f);
    }
}
