package dev.javelin.tokenizers.processors;

import dev.javelin.tokenizers.Encoding;

/** A {@code post_processor} of {@code tokenizer.json}: adds special tokens and sets type ids. */
public interface PostProcessor {
    /** How many tokens {@link #process} adds to a single sequence or a pair. */
    int addedTokens(boolean pair);

    /**
     * Combines the (truncated) encodings of the sequence and optional pair into the final one.
     * {@code firstText} and {@code pairText} are the inputs the offsets point into (for processors
     * that adjust offsets by characters).
     */
    Encoding process(Encoding first, String firstText, Encoding pair, String pairText, boolean addSpecialTokens);
}
