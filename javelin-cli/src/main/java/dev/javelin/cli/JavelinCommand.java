package dev.javelin.cli;

/**
 * A top-level {@code javelin} subcommand: a picocli {@code @Command} class registered in
 * {@code META-INF/services/dev.javelin.cli.JavelinCommand}. Modules above the CLI (the benchmarks)
 * add commands this way without the CLI depending on them.
 */
public interface JavelinCommand {
}
