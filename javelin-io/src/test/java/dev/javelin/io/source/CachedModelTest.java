package dev.javelin.io.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.javelin.io.config.ModelConfig;
import dev.javelin.io.safetensors.SafeTensors;
import dev.javelin.io.safetensors.SafeTensorsWriter;
import dev.javelin.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model laid out by hand exactly as huggingface_hub leaves it after a Python download loads by
 * id, in place and without the network, wherever the environment says the cache is.
 */
class CachedModelTest {

    @TempDir Path home;

    static final String COMMIT = "89abcdef0123456789abcdef0123456789abcdef";

    /** Writes {@code models--acme--cached} into {@code hubCache}: blobs, snapshot symlinks, refs. */
    static Path pythonCache(Path hubCache, boolean withWeights) throws IOException {
        Path repo = hubCache.resolve("models--acme--cached");
        Path blobs = Files.createDirectories(repo.resolve("blobs"));
        Path snapshot = Files.createDirectories(repo.resolve("snapshots").resolve(COMMIT));
        byte[] config = """
                {"model_type": "bert", "vocab_size": 16, "hidden_size": 8, "num_hidden_layers": 1,
                 "num_attention_heads": 2, "intermediate_size": 16, "max_position_embeddings": 32}"""
                .getBytes(StandardCharsets.UTF_8);
        Files.write(blobs.resolve(FakeHub.gitBlobId(config)), config);
        Files.createSymbolicLink(snapshot.resolve("config.json"), Path.of("../../blobs/" + FakeHub.gitBlobId(config)));
        if (withWeights) {
            Path tmp = home(hubCache).resolve("w.safetensors");
            try (Arena arena = Arena.ofConfined()) {
                SafeTensorsWriter.write(tmp, Map.of("w", Tensor.of(arena, new float[] {1, 2, 3}, 3)), Map.of());
            }
            byte[] weights = Files.readAllBytes(tmp);
            Files.write(blobs.resolve(FakeHub.sha256(weights)), weights);
            Files.createSymbolicLink(snapshot.resolve("model.safetensors"), Path.of("../../blobs/" + FakeHub.sha256(weights)));
        }
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), COMMIT);
        Files.writeString(repo.resolve("refs/v1.0"), COMMIT);
        return snapshot;
    }

    private static Path home(Path hubCache) {
        return hubCache.getParent();
    }

    private Path locate(Map<String, String> env, String spec) throws IOException {
        Map<String, String> e = new HashMap<>(env);
        e.putIfAbsent("HF_ENDPOINT", "http://127.0.0.1:9"); // nothing listens: any network use would fail
        return new ModelSource(HfEnvironment.from(e, home), null, HubClient.defaultHttpClient(), Duration.ofSeconds(1)).locate(spec);
    }

    @Test
    void loadsByIdFromTheCacheUnderHfHome() throws IOException {
        Path hfHome = home.resolve("hf");
        Path snapshot = pythonCache(hfHome.resolve("hub"), true);
        Map<String, String> env = Map.of("HF_HOME", hfHome.toString());
        assertThat(locate(env, "acme/cached")).isEqualTo(snapshot);
        assertThat(locate(env, "acme/cached@v1.0")).isEqualTo(snapshot);
        assertThat(locate(env, "acme/cached@" + COMMIT)).isEqualTo(snapshot);
        assertThat(locate(Map.of("HF_HOME", hfHome.toString(), "HF_HUB_OFFLINE", "true"), "acme/cached")).isEqualTo(snapshot);
        Path dir = locate(env, "acme/cached");
        assertThat(ModelConfig.load(dir).modelType()).isEqualTo("bert");
        try (SafeTensors st = SafeTensors.open(dir)) {
            assertThat(st.tensor("w").toArray()).containsExactly(1, 2, 3);
        }
    }

    @Test
    void hfHubCacheWinsOverHfHome() throws IOException {
        Path snapshot = pythonCache(home.resolve("elsewhere/hub-cache"), true);
        assertThat(locate(Map.of("HF_HOME", home.resolve("hf").toString(), "HF_HUB_CACHE",
                home.resolve("elsewhere/hub-cache").toString()), "acme/cached")).isEqualTo(snapshot);
    }

    @Test
    void defaultsToTheCacheUnderTheHomeDirectory() throws IOException {
        Path snapshot = pythonCache(home.resolve(".cache/huggingface/hub"), true);
        assertThat(locate(Map.of(), "acme/cached")).isEqualTo(snapshot);
        Path xdg = pythonCache(home.resolve("xdg/huggingface/hub"), true);
        assertThat(locate(Map.of("XDG_CACHE_HOME", home.resolve("xdg").toString()), "acme/cached")).isEqualTo(xdg);
    }

    @Test
    void partialPythonSnapshotIsNotUsedAsIfComplete() throws IOException {
        Path hfHome = home.resolve("hf");
        pythonCache(hfHome.resolve("hub"), false);
        assertThatThrownBy(() -> locate(Map.of("HF_HOME", hfHome.toString(), "HF_HUB_OFFLINE", "1"), "acme/cached"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("lacks config.json or safetensors weights")
                .hasMessageContaining("HF_HUB_OFFLINE=1");
        assertThatThrownBy(() -> locate(Map.of("HF_HOME", hfHome.toString()), "acme/cached"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("cannot connect to 127.0.0.1:9")
                .hasMessageContaining("HF_HUB_OFFLINE=1");
    }
}
