package dev.javelin.io.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.javelin.io.config.BertConfig;
import dev.javelin.io.config.ModelConfig;
import dev.javelin.io.safetensors.SafeTensors;
import dev.javelin.io.safetensors.SafeTensorsWriter;
import dev.javelin.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resolution order, the HF cache layout, and downloads from a loopback server with the Hub's URL layout. */
class ModelSourceTest {

    @TempDir Path home;
    private Path hfHome;
    private FakeHub hub;
    private final ByteArrayOutputStream progress = new ByteArrayOutputStream();
    private byte[] weights;

    private static final String CONFIG = """
            {"model_type": "bert", "vocab_size": 16, "hidden_size": 8, "num_hidden_layers": 1,
             "num_attention_heads": 2, "intermediate_size": 16, "max_position_embeddings": 32}""";

    @BeforeEach
    void setUp() throws IOException {
        hfHome = home.resolve("hf-home");
        hub = new FakeHub();
        weights = checkpoint(home.resolve("weights.safetensors"), 300_000);
        hub.files.put("config.json", CONFIG.getBytes(StandardCharsets.UTF_8));
        hub.files.put("tokenizer.json", "{\"version\": \"1.0\"}".getBytes(StandardCharsets.UTF_8));
        hub.files.put("modules.json", "[]".getBytes(StandardCharsets.UTF_8));
        hub.files.put("1_Pooling/config.json", "{\"word_embedding_dimension\": 8, \"pooling_mode_mean_tokens\": true}".getBytes(StandardCharsets.UTF_8));
        hub.files.put("model.safetensors", weights);
        hub.files.put("pytorch_model.bin", new byte[1000]);
        hub.files.put("onnx/model.onnx", new byte[1000]);
        hub.files.put("README.md", "# tiny".getBytes(StandardCharsets.UTF_8));
    }

    @AfterEach
    void tearDown() {
        hub.close();
    }

    /** A real checkpoint of about {@code floats} F32 values, random so a corrupted byte changes the hash. */
    private static byte[] checkpoint(Path file, int floats) throws IOException {
        float[] values = new float[floats];
        Random rnd = new Random(7);
        for (int i = 0; i < floats; i++) values[i] = rnd.nextFloat();
        try (Arena arena = Arena.ofConfined()) {
            SafeTensorsWriter.write(file, Map.of("embeddings.weight", Tensor.of(arena, values, floats / 4, 4)), Map.of("format", "pt"));
        }
        return Files.readAllBytes(file);
    }

    private ModelSource source(Map<String, String> extraEnv) throws IOException {
        Map<String, String> env = new HashMap<>(Map.of("HF_HOME", hfHome.toString(), "HF_ENDPOINT", hub.endpoint() + "/"));
        env.putAll(extraEnv);
        return new ModelSource(HfEnvironment.from(env, home), new PrintStream(progress, true, StandardCharsets.UTF_8),
                HubClient.defaultHttpClient(), Duration.ofSeconds(1));
    }

    private Path repoCache() {
        return hfHome.resolve("hub").resolve("models--acme--tiny-bert");
    }

    @Test
    void localDirectoryIsUsedAsIs() throws IOException {
        Path dir = Files.createDirectories(home.resolve("my-model"));
        assertThat(source(Map.of()).locate(dir.toString())).isEqualTo(dir.toAbsolutePath());
        assertThat(hub.requests).isEmpty();
    }

    @Test
    void downloadsIntoTheHuggingFaceCacheLayout() throws IOException {
        Path snapshot = source(Map.of("HF_TOKEN", "hf_secret")).locate(FakeHub.REPO);

        Path repo = repoCache();
        assertThat(snapshot).isEqualTo(repo.resolve("snapshots").resolve(FakeHub.COMMIT));
        assertThat(Files.readString(repo.resolve("refs/main"))).isEqualTo(FakeHub.COMMIT);
        String sha = FakeHub.sha256(weights);
        assertThat(Files.isSymbolicLink(snapshot.resolve("model.safetensors"))).isTrue();
        assertThat(Files.readSymbolicLink(snapshot.resolve("model.safetensors"))).isEqualTo(Path.of("../../blobs/" + sha));
        assertThat(Files.readSymbolicLink(snapshot.resolve("1_Pooling/config.json")))
                .isEqualTo(Path.of("../../../blobs/" + FakeHub.gitBlobId(hub.files.get("1_Pooling/config.json"))));
        assertThat(repo.resolve("blobs/" + sha)).hasBinaryContent(weights);
        assertThat(snapshot.resolve("pytorch_model.bin")).doesNotExist();
        assertThat(snapshot.resolve("onnx")).doesNotExist();
        assertThat(snapshot.resolve("README.md")).doesNotExist();
        try (var files = Files.list(repo.resolve("blobs"))) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".incomplete"));
        }

        // What a Python user's tools expect is there, and Javelin loads it.
        assertThat(ModelConfig.load(snapshot)).isInstanceOf(BertConfig.class);
        try (SafeTensors st = SafeTensors.open(snapshot)) {
            assertThat(st.tensor("embeddings.weight").shape()).containsExactly(75_000, 4);
        }
        assertThat(progress.toString(StandardCharsets.UTF_8)).contains("model.safetensors");

        // The token goes to the Hub, never to the CDN host the weights are redirected to.
        assertThat(hub.requests("/api/")).allMatch(r -> "Bearer hf_secret".equals(r.authorization()));
        assertThat(hub.requests("/cdn/")).hasSize(1).allMatch(r -> r.authorization() == null);

        // Second time: straight from the cache, no network.
        int before = hub.requests.size();
        assertThat(source(Map.of()).locate(FakeHub.REPO)).isEqualTo(snapshot);
        assertThat(hub.requests).hasSize(before);
    }

    @Test
    void resumesAPartialDownloadWithARangeRequest() throws IOException {
        String sha = FakeHub.sha256(weights);
        Path partial = Files.createDirectories(repoCache().resolve("blobs")).resolve(sha + ".incomplete");
        int half = weights.length / 2;
        Files.write(partial, Arrays.copyOf(weights, half));

        Path snapshot = source(Map.of()).locate(FakeHub.REPO);

        assertThat(hub.requests("/cdn/")).singleElement().extracting(FakeHub.Request::range).isEqualTo("bytes=" + half + "-");
        assertThat(snapshot.resolve("model.safetensors")).hasBinaryContent(weights);
        assertThat(partial).doesNotExist();
    }

    @Test
    void stalledDownloadFailsAndTheNextRunResumesIt() throws IOException {
        hub.stallAfter = 100_000;
        assertThatThrownBy(() -> source(Map.of()).locate(FakeHub.REPO))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("model.safetensors")
                .hasMessageContaining("no data for 1 s; run again to resume");
        Path partial = repoCache().resolve("blobs").resolve(FakeHub.sha256(weights) + ".incomplete");
        assertThat(Files.size(partial)).isEqualTo(100_000);
        assertThat(repoCache().resolve("refs/main")).doesNotExist();

        hub.stallAfter = -1;
        Path snapshot = source(Map.of()).locate(FakeHub.REPO);
        assertThat(hub.requests("/cdn/")).last().extracting(FakeHub.Request::range).isEqualTo("bytes=100000-");
        assertThat(snapshot.resolve("model.safetensors")).hasBinaryContent(weights);
    }

    @Test
    void aSmallFileThatDoesNotMatchItsGitEtagIsDiscarded() {
        hub.corruptFile = "config.json";
        String blobId = FakeHub.gitBlobId(CONFIG.getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> source(Map.of()).locate(FakeHub.REPO))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("checksum mismatch for config.json")
                .hasMessageContaining(blobId);
        assertThat(repoCache().resolve("blobs/" + blobId)).doesNotExist();
        assertThat(repoCache().resolve("blobs/" + blobId + ".incomplete")).doesNotExist();
    }

    @Test
    void checksumMismatchDiscardsTheDownload() {
        hub.corruptFile = "model.safetensors";
        assertThatThrownBy(() -> source(Map.of()).locate(FakeHub.REPO))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("checksum mismatch for model.safetensors")
                .hasMessageContaining(FakeHub.sha256(weights));
        String sha = FakeHub.sha256(weights);
        assertThat(repoCache().resolve("blobs/" + sha)).doesNotExist();
        assertThat(repoCache().resolve("blobs/" + sha + ".incomplete")).doesNotExist();
        assertThat(repoCache().resolve("refs/main")).doesNotExist();
    }

    @Test
    void shardedCheckpointFetchesEveryShardTheIndexNames() throws IOException {
        hub.files.remove("model.safetensors");
        byte[] s1 = checkpoint(home.resolve("s1"), 400), s2 = checkpoint(home.resolve("s2"), 800);
        hub.files.put("model-00001-of-00002.safetensors", s1);
        hub.files.put("model-00002-of-00002.safetensors", s2);
        hub.files.put("model.safetensors.index.json", """
                {"metadata": {"total_size": 4800}, "weight_map": {"embeddings.weight": "model-00001-of-00002.safetensors"}}
                """.getBytes(StandardCharsets.UTF_8));
        Path snapshot = source(Map.of()).locate(FakeHub.REPO + "@main");
        assertThat(snapshot.resolve("model-00001-of-00002.safetensors")).hasBinaryContent(s1);
        assertThat(snapshot.resolve("model-00002-of-00002.safetensors")).doesNotExist(); // the index does not name it
        try (SafeTensors st = SafeTensors.open(snapshot)) {
            assertThat(st.names()).containsExactly("embeddings.weight");
        }
    }

    @Test
    void offlineModeForbidsTheNetworkWithAClearError() {
        assertThatThrownBy(() -> source(Map.of("HF_HUB_OFFLINE", "1")).locate(FakeHub.REPO))
                .isInstanceOf(IOException.class)
                .hasMessage(FakeHub.REPO + " is not in the Hugging Face cache at " + hfHome.resolve("hub")
                        + ", and HF_HUB_OFFLINE=1 forbids downloading it");
        assertThat(hub.requests).isEmpty();
    }

    @Test
    void gatedModelWithoutTokenSaysToSetHfToken() {
        hub.requiredToken = "hf_right";
        assertThatThrownBy(() -> source(Map.of()).locate(FakeHub.REPO))
                .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.status()).isEqualTo(401))
                .hasMessageContaining("set HF_TOKEN");
    }

    @Test
    void tokenIsReadFromTheTokenFile() throws IOException {
        hub.requiredToken = "hf_from_file";
        Files.createDirectories(hfHome);
        Files.writeString(hfHome.resolve("token"), "hf_from_file\n");
        assertThat(source(Map.of()).locate(FakeHub.REPO)).isDirectory();
    }

    @Test
    void unknownModelAndRevisionAreNamed() {
        assertThatThrownBy(() -> source(Map.of()).locate("acme/nope"))
                .isInstanceOf(HubException.class).hasMessageContaining("acme/nope").hasMessageContaining("no such model");
        assertThatThrownBy(() -> source(Map.of()).locate(FakeHub.REPO + "@v9"))
                .isInstanceOf(HubException.class).hasMessageContaining("no revision \"v9\"");
    }

    @Test
    void repositoryWithoutSafetensorsIsRefusedBeforeDownloading() {
        hub.files.remove("model.safetensors");
        assertThatThrownBy(() -> source(Map.of()).locate(FakeHub.REPO))
                .isInstanceOf(IOException.class)
                .hasMessage(FakeHub.REPO + " has no model.safetensors or model.safetensors.index.json (it has pytorch_model.bin);"
                        + " Javelin loads safetensors checkpoints");
        assertThat(hub.requests("/" + FakeHub.REPO + "/resolve/")).isEmpty();
    }

    @Test
    void neitherDirectoryNorHubIdIsAClearError() {
        assertThatThrownBy(() -> source(Map.of()).locate("/no/such/dir"))
                .isInstanceOf(NoSuchFileException.class).hasMessageContaining("not a Hub model id");
    }
}
