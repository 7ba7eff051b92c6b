package dev.javelin.batch;

import dev.javelin.engine.ModelSpec;
import java.nio.file.Path;

/** A batch job as its own JVM, so a test can SIGKILL it: args input output chunkRows. */
final class JobInAnotherProcess {
    private JobInAnotherProcess() {
    }

    public static void main(String[] args) throws Exception {
        Path in = Path.of(args[0]), out = Path.of(args[1]);
        BatchOptions o = new BatchOptions(Task.EMBED, in, Format.of(in, null), out, Format.of(out, null),
                BatchOptions.defaultBadRows(out), new Columns("text", "id", null), null, Integer.parseInt(args[2]), false);
        try (RowModel m = RowModel.load(Task.EMBED, ModelSpec.DEFAULT, 2048)) {
            new BatchJob(o, m).run();
        }
    }
}
