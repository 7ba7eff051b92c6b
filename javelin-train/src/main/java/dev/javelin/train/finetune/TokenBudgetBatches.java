package dev.javelin.train.finetune;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * An epoch's batches: the examples shuffled by (seed, epoch), then cut into consecutive batches of
 * at most {@code budget} tokens each. Batches are packed, so a batch costs its real tokens whatever
 * the mix of lengths; a single example longer than the budget gets a batch of its own.
 */
public final class TokenBudgetBatches {
    private TokenBudgetBatches() {}

    /** Example indices per batch, for one epoch. */
    public static List<int[]> epoch(int[] lengths, int budget, long seed, int epoch) {
        if (budget < 1) throw new IllegalArgumentException("token budget must be positive, got " + budget);
        List<Integer> order = new ArrayList<>(lengths.length);
        for (int i = 0; i < lengths.length; i++) order.add(i);
        java.util.Collections.shuffle(order, new Random(seed * 1_000_003L + epoch));
        List<int[]> batches = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        int tokens = 0;
        for (int i : order) {
            if (!current.isEmpty() && tokens + lengths[i] > budget) {
                batches.add(current.stream().mapToInt(Integer::intValue).toArray());
                current.clear();
                tokens = 0;
            }
            current.add(i);
            tokens += lengths[i];
        }
        if (!current.isEmpty()) batches.add(current.stream().mapToInt(Integer::intValue).toArray());
        return batches;
    }
}
