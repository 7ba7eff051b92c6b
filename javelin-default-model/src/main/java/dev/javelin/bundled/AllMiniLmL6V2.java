package dev.javelin.bundled;

import dev.javelin.io.source.DefaultModel;
import java.io.IOException;
import java.nio.file.Path;

/** Javelin's embedded default, sentence-transformers/all-MiniLM-L6-v2, registered as the {@link DefaultModel}. */
public final class AllMiniLmL6V2 implements DefaultModel {
    @Override
    public String modelId() {
        return BundledModel.ALL_MINILM_L6_V2.modelId();
    }

    @Override
    public Path directory() throws IOException {
        return BundledModel.ALL_MINILM_L6_V2.directory();
    }
}
