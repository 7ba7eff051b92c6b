package dev.javelin.cli;

import dev.javelin.engine.Version;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code ./javelin}. */
@Command(name = "javelin", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "Pure-Java inference engine and server for transformer models.")
public final class Main {
    /** The built-in subcommands, in the order help lists them. */
    private static final List<Class<?>> COMMANDS = List.of(CommandLine.HelpCommand.class, ServeCommand.class, InspectCommand.class,
            TokenizeCommand.class, ConvertCommand.class, EmbedCommand.class, ClassifyCommand.class, RerankCommand.class,
            SimilarityCommand.class, TrainClassifierCommand.class, FineTuneCommand.class, MergeAdapterCommand.class,
            EvalCommand.class, QuantizeCommand.class, BatchCommand.class);

    /** {@code --version}: the version the build's POM gives. */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"javelin " + Version.current()};
        }
    }

    public static void main(String[] args) {
        LogSetup.install(false);
        System.exit(commandLine(args.length > 0 ? args[0] : "").execute(args));
    }

    private static final Map<String, String> EXIT_CODES = new LinkedHashMap<>();
    static {
        EXIT_CODES.put("0", "success");
        EXIT_CODES.put("2", "bad input or arguments (one line on stderr names the problem)");
        EXIT_CODES.put("1", "any other failure");
    }

    /** Every command's --help ends with the exit codes, which are the same everywhere (picocli's own for usage errors). */
    private static void documentExitCodes(CommandLine cli) {
        cli.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(EXIT_CODES);
        cli.getSubcommands().values().forEach(Main::documentExitCodes);
    }

    /** The command tree: built-in commands plus those other modules contribute (e.g. {@code bench}). */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        COMMANDS.forEach(cli::addSubcommand);
        for (JavelinCommand extra : ServiceLoader.load(JavelinCommand.class)) {
            cli.addSubcommand(extra);
        }
        documentExitCodes(cli);
        return cli;
    }

    /**
     * The command tree a command line starting with {@code first} needs: when it names a built-in
     * command (help aside, which reads the others), that command alone, since picocli's model of all
     * of them took ~0.3 s of every start-up (its classes are too old for the AOT cache, so they are
     * loaded, verified and interpreted each time); otherwise {@link #commandLine()}.
     */
    static CommandLine commandLine(String first) {
        for (Class<?> command : COMMANDS.subList(1, COMMANDS.size())) {
            if (command.getAnnotation(Command.class).name().equals(first)) {
                CommandLine cli = new CommandLine(new Main());
                cli.addSubcommand(command);
                documentExitCodes(cli);
                return cli;
            }
        }
        return commandLine();
    }
}
