package dev.javelin.cli;

import dev.javelin.io.safetensors.SafeTensors;
import dev.javelin.io.safetensors.TensorInfo;
import dev.javelin.io.source.HfEnvironment;
import dev.javelin.io.source.ModelSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
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
                "PATH is a .safetensors file, a model.safetensors.index.json, a model directory,",
                "or a Hub id (org/name[@revision]) found in the Hugging Face cache or downloaded.",
                "An invalid file prints the rule it breaks and exits with status 2."})
public final class InspectCommand implements Callable<Integer> {

    @Parameters(paramLabel = "PATH", description = "checkpoint file, sharded index, model directory, or Hub id")
    String model;

    @Spec CommandSpec spec;

    /** The environment Hub ids resolve with; tests substitute their own. */
    Map<String, String> environment = System.getenv();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (SafeTensors st = SafeTensors.open(locate())) {
            print(st, out);
            out.flush();
            return 0;
        } catch (NoSuchFileException e) {
            return fail("javelin inspect: " + e.getFile() + ": " + (e.getReason() != null ? e.getReason() : "no such file or directory"));
        } catch (IOException e) {
            return fail("javelin inspect: " + e.getMessage());
        }
    }

    /** An existing path as given; anything else goes through the model sources (HF cache, Hub). */
    private Path locate() throws IOException {
        try {
            Path p = Path.of(model);
            // A missing file name is a typo, not a model to look for on the Hub.
            if (Files.exists(p) || model.endsWith(".safetensors") || model.endsWith(".json")) return p;
        } catch (InvalidPathException e) {
            // not a path: maybe a Hub id
        }
        return ModelSource.of(HfEnvironment.from(environment, Path.of(System.getProperty("user.home"))), System.err).locate(model);
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
