package dev.javelin.cli;

import dev.javelin.engine.Head;
import picocli.CommandLine.Option;

/** {@code --head}: what classifies or ranks, decided once at load (the same rule as {@code serve --head}). */
final class HeadOption {
    @Option(names = "--head", defaultValue = "auto", paramLabel = "auto|classifier|cross-encoder|javelin|none",
            description = "What classifies or ranks: the checkpoint's classifier, its one-output classifier (cross-encoder), "
                    + "a Javelin head over an encoder (train-classifier's output), none (embeddings only), or auto: "
                    + "read from the directory (default: ${DEFAULT-VALUE}).")
    String head;

    Head value() {
        return parse(head);
    }

    /** {@link Head#parse}, the error naming the flag. */
    static Head parse(String head) {
        try {
            return Head.parse(head);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--head: " + e.getMessage());
        }
    }
}
