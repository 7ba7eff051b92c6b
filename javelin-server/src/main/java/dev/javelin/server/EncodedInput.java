package dev.javelin.server;

/**
 * One validated, tokenized input as the batching queue and the backend see it: token ids with their
 * token type ids, special tokens included, already truncated to the model's maximum length.
 */
public record EncodedInput(int[] ids, int[] typeIds) {
    public EncodedInput {
        if (ids.length != typeIds.length) {
            throw new IllegalArgumentException("ids and type ids differ in length: " + ids.length + " vs " + typeIds.length);
        }
    }

    /** Number of tokens: what the input costs in a batch's token budget. */
    public int length() {
        return ids.length;
    }
}
