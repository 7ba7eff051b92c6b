package dev.javelin.bench;

import dev.javelin.bench.matmul.MatMulBench;
import dev.javelin.cli.JavelinCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code javelin bench}: side-by-side benchmarks against peers. Each benchmark is a subcommand;
 * add one by listing its class in {@code subcommands}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks Javelin against peer implementations on this machine.",
        subcommands = {CommandLine.HelpCommand.class, MatMulBench.class, TokenizerBenchCommand.class,
                EncoderBenchCommand.class, ServeBenchCommand.class, QuantizationAccuracyCommand.class})
public final class BenchCommand implements JavelinCommand, Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "bench: missing benchmark name (one of: "
                + String.join(", ", spec.subcommands().keySet()) + ")");
    }
}
