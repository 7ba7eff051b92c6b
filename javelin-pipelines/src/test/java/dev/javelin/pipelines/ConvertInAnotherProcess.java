package dev.javelin.pipelines;

import dev.javelin.engine.*;
import java.nio.file.Path;

/** Run by {@link BundledModelProcessesTest} as a separate JVM: converts the bundled model into the cache root given. */
public final class ConvertInAnotherProcess {
    private ConvertInAnotherProcess() {}

    public static void main(String[] args) throws Exception {
        System.out.println(BundledModel.ALL_MINILM_L6_V2.directory(Path.of(args[0])));
    }
}
