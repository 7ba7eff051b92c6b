package dev.javelin.nn;

/** Shape checks shared by the transformer blocks. */
final class Blocks {
    private Blocks() {}

    /** Every part must work on the attention's hidden size (null norms are absent and skipped). */
    static void requireHidden(SelfAttention attention, Normalization n1, FeedForwardBlock ffn, Normalization n2) {
        int hidden = attention.hidden();
        if ((n1 != null && n1.dim() != hidden) || ffn.hidden() != hidden || (n2 != null && n2.dim() != hidden)) {
            throw new IllegalArgumentException("transformer block parts disagree on the hidden size: attention " + hidden
                    + ", norms " + (n1 == null ? "-" : n1.dim()) + "/" + (n2 == null ? "-" : n2.dim()) + ", feed-forward " + ffn.hidden());
        }
    }
}
