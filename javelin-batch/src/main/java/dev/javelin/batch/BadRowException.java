package dev.javelin.batch;

/** A bad row stopped a job run with fail-fast. */
public final class BadRowException extends IllegalArgumentException {
    public BadRowException(java.nio.file.Path input, BadRow row) {
        super(input + " " + row + " (without --fail-fast it would go to the bad-rows file and the job would go on)");
    }
}
