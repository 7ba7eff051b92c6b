package dev.javelin.cli;

import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code ./javelin}. */
@Command(name = "javelin", mixinStandardHelpOptions = true, version = "javelin 0.1.0",
        description = "Pure-Java inference engine and server for transformer models.",
        subcommands = {CommandLine.HelpCommand.class, ServeCommand.class, InspectCommand.class, TokenizeCommand.class,
                ConvertCommand.class, EmbedCommand.class, ClassifyCommand.class, RerankCommand.class,
                TrainClassifierCommand.class, EvalCommand.class, BatchCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command tree: built-in commands plus those other modules contribute (e.g. {@code bench}). */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        for (JavelinCommand extra : ServiceLoader.load(JavelinCommand.class)) {
            cli.addSubcommand(extra);
        }
        return cli;
    }
}
