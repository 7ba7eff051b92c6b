package dev.javelin.io.source;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ServiceLoader;

/**
 * The model used when none is named. It ships in its own optional artifact,
 * {@value #ARTIFACT}, found through {@link ServiceLoader}, so that library users who always name a
 * model do not carry its 83 MB jar and the ONNX importer.
 */
public interface DefaultModel {
    /** The Maven coordinates to add for the embedded default. */
    String ARTIFACT = "dev.javelin:javelin-default-model";

    /** The Hugging Face id it was exported from. */
    String modelId();

    /** Its Hugging Face directory (prepared on first use). */
    Path directory() throws IOException;

    /**
     * The default model on the class path or module path.
     *
     * @throws IOException naming the artifact to add when it is absent
     */
    static DefaultModel find() throws IOException {
        return ServiceLoader.load(DefaultModel.class, DefaultModel.class.getClassLoader()).findFirst()
                .orElseThrow(() -> new IOException("no model was named, and the embedded default model is not on the class path: "
                        + "add the dependency " + ARTIFACT + " (same version as Javelin), or name a model "
                        + "(a Hugging Face directory or Hub id)"));
    }
}
