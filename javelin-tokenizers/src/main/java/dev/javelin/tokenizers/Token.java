package dev.javelin.tokenizers;

/** A token the model produced for one split: id, text and offsets in the split's normalized text. */
public record Token(int id, String value, int start, int end) {
}
