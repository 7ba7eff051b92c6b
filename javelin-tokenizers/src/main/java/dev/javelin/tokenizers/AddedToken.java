package dev.javelin.tokenizers;

/**
 * An entry of {@code added_tokens}: text matched before the model runs. {@code singleWord}: only as a
 * whole word; {@code lstrip}/{@code rstrip}: also swallow whitespace on that side; {@code normalized}:
 * matched in the normalized text rather than the raw input; {@code special}: skipped by
 * {@code decode(ids, true)}.
 */
public record AddedToken(int id, String content, boolean singleWord, boolean lstrip, boolean rstrip,
                         boolean normalized, boolean special) {
}
