package dev.javelin.tokenizers;

/**
 * Padding settings ({@code tokenizer.json}'s {@code padding}): to a fixed length, or to the longest
 * encoding of a batch ({@code length} 0), rounded up to a multiple of {@code padToMultipleOf} when it
 * is positive. Pad tokens have attention 0, offsets {@code [0, 0]} and special-token mask 1.
 */
public record Padding(Strategy strategy, int length, Direction direction, int padToMultipleOf, int padId,
                      int padTypeId, String padToken) {

    /** BATCH_LONGEST pads a batch to its longest encoding; FIXED to {@code length}. */
    public enum Strategy { BATCH_LONGEST, FIXED }

    /** Where the pad tokens go. */
    public enum Direction { RIGHT, LEFT }

    public Padding {
        if (strategy == null || direction == null || padToken == null) {
            throw new IllegalArgumentException("padding strategy, direction and pad token are required");
        }
        if (strategy == Strategy.FIXED && length < 0) {
            throw new IllegalArgumentException("fixed padding length must be >= 0, got " + length);
        }
        if (padToMultipleOf < 0) {
            throw new IllegalArgumentException("pad_to_multiple_of must be >= 0, got " + padToMultipleOf);
        }
    }

    /** Pads batches to their longest encoding, on the right, with {@code [PAD]} = id 0. */
    public static Padding batchLongest() {
        return new Padding(Strategy.BATCH_LONGEST, 0, Direction.RIGHT, 0, 0, 0, "[PAD]");
    }

    /** Pads every encoding to {@code length}, on the right, with {@code [PAD]} = id 0. */
    public static Padding fixed(int length) {
        return new Padding(Strategy.FIXED, length, Direction.RIGHT, 0, 0, 0, "[PAD]");
    }

    public Padding withDirection(Direction d) {
        return new Padding(strategy, length, d, padToMultipleOf, padId, padTypeId, padToken);
    }

    public Padding withPadToMultipleOf(int multiple) {
        return new Padding(strategy, length, direction, multiple, padId, padTypeId, padToken);
    }

    public Padding withPadToken(String token, int id, int typeId) {
        return new Padding(strategy, length, direction, padToMultipleOf, id, typeId, token);
    }
}
