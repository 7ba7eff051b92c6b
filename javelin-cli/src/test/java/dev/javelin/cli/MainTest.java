package dev.javelin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {
    @Test
    void aCommandLineNamingOneCommandBuildsThatCommandAsTheWholeTreeDoes() {
        CommandLine all = Main.commandLine();
        for (String name : all.getSubcommands().keySet()) {
            if (name.equals("help")) continue;
            CommandLine alone = Main.commandLine(name);
            assertThat(alone.getSubcommands()).containsOnlyKeys(name);
            assertThat(help(alone, name, "--help")).isEqualTo(help(all, name, "--help")).contains("Exit codes:");
        }
    }

    @Test
    void helpAndUnknownOrMissingCommandsGetTheWholeTree() {
        int all = Main.commandLine().getSubcommands().size();
        for (String first : new String[] {"help", "serv", "--version", ""}) {
            assertThat(Main.commandLine(first).getSubcommands()).hasSize(all);
        }
        assertThat(help(Main.commandLine("help"), "help", "serve")).isEqualTo(help(Main.commandLine(), "serve", "--help"));
    }

    /** What {@code args} print. */
    private static String help(CommandLine cli, String... args) {
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out)).execute(args);
        return out.toString();
    }
}
