package dev.javelin.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.javelin.engine.Input;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The model commands read stdin in chunks and answer each before reading on: output starts while the
 * input is still open, and memory holds a chunk, not the input.
 */
class StreamingInputTest {

    private static InputStream stdin(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    private static List<List<Input>> chunks(InputStream in) throws IOException {
        List<List<Input>> chunks = new ArrayList<>();
        TextInputs.forEachChunk(null, in, chunks::add);
        return chunks;
    }

    @Test
    void aLongInputComesInChunksOfBoundedSize() throws IOException {
        int n = TextInputs.CHUNK * 5 + 3;
        List<List<Input>> chunks = chunks(stdin("\"a\"\n".repeat(n)));
        assertThat(chunks).allSatisfy(c -> assertThat(c).hasSizeBetween(1, TextInputs.CHUNK));
        assertThat(chunks.stream().mapToInt(List::size).sum()).isEqualTo(n);
    }

    @Test
    void linesAreStrictJson() {
        assertThatThrownBy(() -> chunks(stdin("\"ok\"\n\"a\" \"b\"\n"))).hasMessageContaining("stdin line 2")
                .hasMessageContaining("data after the JSON value");
        assertThatThrownBy(() -> chunks(stdin("{\"text\": \"a\\ud800b\"}\n"))).hasMessageContaining("stdin line 1")
                .hasMessageContaining("unpaired UTF-16 surrogate");
        assertThatThrownBy(() -> chunks(stdin("\"a\"\u0000\n"))).hasMessageContaining("stdin line 1");
    }

    @Test
    void crlfAndBlankLinesAreAccepted() throws IOException {
        assertThat(chunks(stdin("\"a\"\r\n\r\n{\"text\": \"b\", \"text_pair\": \"c\"}\r\n")).get(0))
                .containsExactly(Input.of("a"), Input.of("b", "c"));
    }

    @Test
    void embedAnswersTheFirstLineWhileStdinIsStillOpen() throws Exception {
        PipedOutputStream feed = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(feed);
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(new StringWriter()));
        ((EmbedCommand) cli.getSubcommands().get("embed").getCommand()).stdin = in;
        try (ExecutorService runner = Executors.newSingleThreadExecutor()) {
            Future<Integer> status = runner.submit(() -> cli.execute("embed"));
            feed.write("\"hello\"\n".getBytes(StandardCharsets.UTF_8));
            feed.flush();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!out.toString().contains("\"embedding\"")) {
                assertThat(System.nanoTime()).as("no output while stdin is open").isLessThan(deadline);
                assertThat(status.isDone()).as("finished early").isFalse();
                Thread.sleep(20);
            }
            feed.write("\"world\"\n".getBytes(StandardCharsets.UTF_8));
            feed.close();
            assertThat(status.get(60, TimeUnit.SECONDS)).isZero();
        }
        assertThat(out.toString().lines().filter(l -> l.contains("\"embedding\""))).hasSize(2);
    }
}
