package dev.javelin.tokenizers;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Regexes from a {@code tokenizer.json} are untrusted: a pattern like {@code (x+x+)+y} backtracks
 * for ever on a few thousand characters. Java's engine backtracks, so every match runs over a text
 * that counts how often the engine reads it and stops it past a budget: 1,000,000 reads plus 1,000 per
 * character, far above what any real tokenizer pattern needs (a few reads per character), far below a
 * hang (a 3,000-character text gets 4 million reads, a few milliseconds). Past the budget the match fails with a {@link RegexBudgetExceededException}
 * naming the pattern.
 */
public final class RegexBudget implements CharSequence {
    static final long BASE = 1_000_000;
    static final long PER_CHAR = 1_000;

    private final char[] chars;
    private final int offset;
    private final int length;
    private final Pattern pattern;
    private final long[] reads;
    private final long budget;

    private RegexBudget(char[] chars, int offset, int length, Pattern pattern, long[] reads, long budget) {
        this.chars = chars;
        this.offset = offset;
        this.length = length;
        this.pattern = pattern;
        this.reads = reads;
        this.budget = budget;
    }

    /** A matcher of {@code pattern} over {@code chars[offset, offset + length)} that stops past the budget. */
    public static Matcher matcher(Pattern pattern, char[] chars, int offset, int length) {
        return pattern.matcher(new RegexBudget(chars, offset, length, pattern, new long[1], BASE + PER_CHAR * length));
    }

    /** {@link #matcher} over a string. */
    public static Matcher matcher(Pattern pattern, String text) {
        return matcher(pattern, text.toCharArray(), 0, text.length());
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public char charAt(int index) {
        if (++reads[0] > budget) {
            throw new RegexBudgetExceededException("regex /" + pattern.pattern() + "/ needed more than " + budget
                    + " steps on " + length + " characters (catastrophic backtracking); the tokenizer.json pattern "
                    + "must be rewritten");
        }
        return chars[offset + index];
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return new RegexBudget(chars, offset + start, end - start, pattern, reads, budget);
    }

    @Override
    public String toString() {
        return new String(chars, offset, length);
    }

    /** A regex that ran past its step budget. */
    public static final class RegexBudgetExceededException extends IllegalArgumentException {
        RegexBudgetExceededException(String message) {
            super(message);
        }
    }
}
