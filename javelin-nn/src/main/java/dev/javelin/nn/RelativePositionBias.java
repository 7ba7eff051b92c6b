package dev.javelin.nn;

/** An additive attention term by relative position, per head: MPNet's and T5's bucketed bias. */
@FunctionalInterface
public interface RelativePositionBias {
    /** 2L − 1 terms for a sequence of L tokens: entry j − i + L − 1 is added to query i's score for key j. */
    float[] forHead(int head, int length);
}
