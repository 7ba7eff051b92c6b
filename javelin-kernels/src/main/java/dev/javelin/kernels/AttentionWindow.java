package dev.javelin.kernels;

/**
 * Which keys a query may attend to, by relative position: query i sees keys j with
 * i − {@code before} ≤ j ≤ i + {@code after}. Bidirectional encoders see everything
 * ({@link #FULL}); decoders see the past ({@link #CAUSAL}); ModernBERT's local layers see a band
 * ({@link #band}).
 */
public record AttentionWindow(int before, int after) {
    public static final AttentionWindow FULL = new AttentionWindow(Integer.MAX_VALUE, Integer.MAX_VALUE);
    public static final AttentionWindow CAUSAL = new AttentionWindow(Integer.MAX_VALUE, 0);

    public AttentionWindow {
        if (before < 0 || after < 0) throw new IllegalArgumentException("attention window reaches must be ≥ 0, got " + before + "/" + after);
    }

    /** Keys at most {@code radius} positions away on either side. */
    public static AttentionWindow band(int radius) {
        return new AttentionWindow(radius, radius);
    }

    public boolean isFull() {
        return before == Integer.MAX_VALUE && after == Integer.MAX_VALUE;
    }

    /** The first key query i may see. */
    int first(int i) {
        return before == Integer.MAX_VALUE ? 0 : Math.max(0, i - before);
    }

    /** One past the last key query i may see, among {@code len} keys. */
    int end(int i, int len) {
        return after == Integer.MAX_VALUE ? len : (int) Math.min(len, (long) i + after + 1);
    }
}
