package dev.javelin.cli;

import dev.javelin.io.safetensors.SafeTensors;
import dev.javelin.io.safetensors.TensorInfo;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code javelin inspect}: what a checkpoint holds, read from its header only. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Lists the tensors (name, dtype, shape, bytes) and metadata of a safetensors checkpoint.",
                "PATH is a .safetensors file, a model.safetensors.index.json, or a model directory.",
                "An invalid file prints the rule it breaks and exits with status 2."})
public final class InspectCommand implements Callable<Integer> {

    @Parameters(paramLabel = "PATH", description = "checkpoint file, sharded index, or model directory")
    Path path;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (SafeTensors st = SafeTensors.open(path)) {
            print(st, out);
            out.flush();
            return 0;
        } catch (NoSuchFileException e) {
            return fail("javelin inspect: no such file: " + e.getFile());
        } catch (IOException e) {
            return fail("javelin inspect: " + e.getMessage());
        }
    }

    private int fail(String message) {
        PrintWriter err = spec.commandLine().getErr();
        err.println(message);
        err.flush();
        return 2;
    }

    private static void print(SafeTensors st, PrintWriter out) {
        int nameWidth = "NAME".length(), dtypeWidth = "DTYPE".length(), shapeWidth = "SHAPE".length();
        long bytes = 0, params = 0;
        for (String name : st.names()) {
            TensorInfo info = st.info(name);
            nameWidth = Math.max(nameWidth, printable(name).length());
            dtypeWidth = Math.max(dtypeWidth, info.dtype().name().length());
            shapeWidth = Math.max(shapeWidth, Arrays.toString(info.shape()).length());
            bytes += info.byteSize();
            params += info.numel();
        }
        out.printf("%s: %d tensors, %,d parameters, %,d bytes%n", st.source(), st.names().size(), params, bytes);
        String row = "%-" + nameWidth + "s  %-" + dtypeWidth + "s  %-" + shapeWidth + "s  %,15d%n";
        out.printf("%-" + nameWidth + "s  %-" + dtypeWidth + "s  %-" + shapeWidth + "s  %15s%n", "NAME", "DTYPE", "SHAPE", "BYTES");
        for (String name : st.names()) {
            TensorInfo info = st.info(name);
            out.printf(row, printable(name), info.dtype(), Arrays.toString(info.shape()), info.byteSize());
        }
        if (!st.metadata().isEmpty()) {
            out.println("metadata:");
            for (Map.Entry<String, String> m : st.metadata().entrySet()) {
                out.printf("  %s: %s%n", printable(m.getKey()), printable(m.getValue()));
            }
        }
    }

    /** Names come from the file: control characters would let it rewrite the user's terminal. */
    private static String printable(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) sb.append(String.format("\\u%04x", c));
            else sb.appendCodePoint(c);
        });
        return sb.toString();
    }
}
