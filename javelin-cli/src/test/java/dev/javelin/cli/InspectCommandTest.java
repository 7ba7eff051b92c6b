package dev.javelin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.javelin.io.safetensors.SafeTensorsWriter;
import dev.javelin.io.safetensors.SafetensorsDType;
import dev.javelin.tensor.Tensor;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class InspectCommandTest {

    @TempDir Path dir;

    private record Run(int status, String out, String err) {}

    private static Run inspect(String... args) {
        return inspect(System.getenv(), args);
    }

    private static Run inspect(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cli = Main.commandLine();
        ((InspectCommand) cli.getSubcommands().get("inspect").getCommand()).environment = env;
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        String[] full = new String[args.length + 1];
        full[0] = "inspect";
        System.arraycopy(args, 0, full, 1, args.length);
        int status = cli.execute(full);
        return new Run(status, out.toString(), err.toString());
    }

    @Test
    void listsTensorsAndMetadata() throws IOException {
        Path file = dir.resolve("model.safetensors");
        try (Arena arena = Arena.ofConfined()) {
            new SafeTensorsWriter()
                    .add("encoder.weight", Tensor.allocate(arena, 3, 4))
                    .add("ids\u001b[2J", SafetensorsDType.I64, new long[] {2}, MemorySegment.ofArray(new byte[16]))
                    .metadata("format", "pt")
                    .write(file);
        }
        Run r = inspect(dir.toString());
        assertThat(r.status()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out().lines()).containsExactly(
                file + ": 2 tensors, 14 parameters, 64 bytes",
                "NAME            DTYPE  SHAPE             BYTES",
                "encoder.weight  F32    [3, 4]               48",
                "ids\\u001b[2J    I64    [2]                  16",
                "metadata:",
                "  format: pt");
    }

    @Test
    void opensAShardedIndex() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            SafeTensorsWriter.write(dir.resolve("a.safetensors"), Map.of("x", Tensor.allocate(arena, 2)), Map.of());
            SafeTensorsWriter.write(dir.resolve("b.safetensors"), Map.of("y", Tensor.allocate(arena, 5)), Map.of());
        }
        Path index = Files.writeString(dir.resolve("model.safetensors.index.json"),
                "{\"metadata\":{\"total_size\":28},\"weight_map\":{\"x\":\"a.safetensors\",\"y\":\"b.safetensors\"}}");
        Run r = inspect(index.toString());
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains(": 2 tensors, 7 parameters, 28 bytes").contains("total_size: 28");
    }

    @Test
    void invalidFileFailsWithTheRuleOnOneLineAndStatus2() throws IOException {
        byte[] header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}".getBytes();
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        Path bad = Files.write(dir.resolve("bad.safetensors"), b.putLong(header.length).put(header).array());
        Run r = inspect(bad.toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("javelin inspect: " + bad + ": tensor \"w\": data_offsets [0, 4] span 4 bytes, "
                + "but F32[2] needs 8 [byte-length-mismatch]" + System.lineSeparator());
    }

    @Test
    void missingPathFailsWithStatus2() {
        Run r = inspect(dir.resolve("nope.safetensors").toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("javelin inspect: " + dir.resolve("nope.safetensors") + ": no such file or directory"
                + System.lineSeparator());
    }

    @Test
    void hubIdIsFoundInTheHuggingFaceCache() throws IOException {
        // huggingface_hub's layout; regular files stand in for the blob symlinks, as on file systems without links.
        String commit = "0123456789abcdef0123456789abcdef01234567";
        Path repo = dir.resolve("hf/hub/models--acme--tiny");
        Path snapshot = Files.createDirectories(repo.resolve("snapshots").resolve(commit));
        Files.writeString(snapshot.resolve("config.json"), "{\"model_type\": \"bert\"}");
        try (Arena arena = Arena.ofConfined()) {
            SafeTensorsWriter.write(snapshot.resolve("model.safetensors"), Map.of("w", Tensor.allocate(arena, 3)), Map.of());
        }
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), commit);
        Map<String, String> env = Map.of("HF_HOME", dir.resolve("hf").toString(), "HF_HUB_OFFLINE", "1");

        Run found = inspect(env, "acme/tiny");
        assertThat(found.status()).isZero();
        assertThat(found.out()).startsWith(snapshot.resolve("model.safetensors") + ": 1 tensors, 3 parameters, 12 bytes");

        Run missing = inspect(env, "acme/other");
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).isEqualTo("javelin inspect: acme/other is not in the Hugging Face cache at "
                + dir.resolve("hf/hub") + ", and HF_HUB_OFFLINE=1 forbids downloading it" + System.lineSeparator());
    }
}
