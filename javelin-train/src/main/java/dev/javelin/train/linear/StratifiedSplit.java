package dev.javelin.train.linear;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A held-out split that keeps each class's share: a fixed fraction of every class (at least one example of
 * each class that has two or more), chosen by a seeded shuffle, so the same seed always holds out the same rows.
 */
public record StratifiedSplit(int[] train, int[] holdout) {

    public static StratifiedSplit of(int[] labels, int classes, double fraction, long seed) {
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < labels.length; i++) {
            byClass.get(labels[i]).add(i);
        }
        Random random = new Random(seed);
        boolean[] held = new boolean[labels.length];
        for (List<Integer> members : byClass) {
            java.util.Collections.shuffle(members, random);
            int take = members.size() < 2 ? 0 : Math.max(1, (int) Math.round(members.size() * fraction));
            for (int k = 0; k < take; k++) {
                held[members.get(k)] = true;
            }
        }
        int heldCount = 0;
        for (boolean h : held) {
            heldCount += h ? 1 : 0;
        }
        int[] train = new int[labels.length - heldCount];
        int[] holdout = new int[heldCount];
        int t = 0;
        int v = 0;
        for (int i = 0; i < labels.length; i++) {
            if (held[i]) {
                holdout[v++] = i;
            } else {
                train[t++] = i;
            }
        }
        return new StratifiedSplit(train, holdout);
    }
}
