package dev.javelin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class LogSetupTest {
    private static LogRecord record() {
        LogRecord r = new LogRecord(Level.WARNING, "model {0} loaded\nin two lines");
        r.setParameters(new Object[] {"minilm"});
        r.setLoggerName("dev.javelin.server.InferenceServer");
        r.setThrown(new IllegalStateException("boom"));
        return r;
    }

    @Test
    void plainTextIsOneLinePerEvent() {
        String line = new LogSetup.OneLine().format(record());
        assertThat(line.strip()).doesNotContain("\n")
                .contains("WARN  dev.javelin.server.InferenceServer: model minilm loaded in two lines")
                .contains("IllegalStateException: boom");
    }

    @Test
    void jsonOutputIsOneObjectPerLineWithTeisFields() throws Exception {
        String line = new LogSetup.JsonLines().format(record());
        assertThat(line.strip()).doesNotContain("\n");
        JsonNode event = new ObjectMapper().readTree(line);
        assertThat(event.get("level").asText()).isEqualTo("WARN");
        assertThat(event.get("target").asText()).isEqualTo("dev.javelin.server.InferenceServer");
        assertThat(event.at("/fields/message").asText()).isEqualTo("model minilm loaded\nin two lines");
        assertThat(event.at("/fields/error").asText()).contains("boom");
        assertThat(event.get("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    }

    @Test
    void everyHelpListsTheExitCodes() {
        for (String command : new String[] {"embed", "serve", "classify"}) {
            StringWriter out = new StringWriter();
            Main.commandLine().setOut(new PrintWriter(out)).execute(command, "--help");
            assertThat(out.toString()).contains("Exit codes:").containsPattern("0\\s+success")
                    .containsPattern("2\\s+bad input or arguments").containsPattern("1\\s+any other failure");
        }
    }
}
