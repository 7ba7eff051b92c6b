package dev.javelin.batch;

/** A record the job skipped (or, with fail-fast, stopped on): where it is and why. */
public record BadRow(long line, String reason) {
    @Override
    public String toString() {
        return "line " + line + ": " + reason;
    }
}
