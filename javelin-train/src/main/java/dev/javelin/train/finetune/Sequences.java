package dev.javelin.train.finetune;

/**
 * A packed batch's layout: sequence s occupies rows [starts[s], starts[s] + lengths[s]) of the
 * [tokens, hidden] activations, laid end to end with no padding.
 */
record Sequences(int[] starts, int[] lengths, int tokens) {
    static Sequences of(int[] lengths) {
        int[] starts = new int[lengths.length];
        int t = 0;
        for (int s = 0; s < lengths.length; s++) {
            if (lengths[s] < 1) throw new IllegalArgumentException("sequence " + s + " is empty");
            starts[s] = t;
            t += lengths[s];
        }
        return new Sequences(starts, lengths, t);
    }

    int count() { return starts.length; }
}
