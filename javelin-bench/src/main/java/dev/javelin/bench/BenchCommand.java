package dev.javelin.bench;

import dev.javelin.cli.JavelinCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code javelin bench}: benchmarks against peer implementations, one subcommand each. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks of Javelin against peer implementations.",
        subcommands = {CommandLine.HelpCommand.class, TokenizerBenchCommand.class})
public final class BenchCommand implements JavelinCommand, Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
