package dev.javelin.io.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HfEnvironmentTest {

    @TempDir Path home;

    @Test
    void defaultsFollowHuggingfaceHub() throws IOException {
        HfEnvironment env = HfEnvironment.from(Map.of(), home);
        assertThat(env.hubCache()).isEqualTo(home.resolve(".cache/huggingface/hub"));
        assertThat(env.endpoint()).isEqualTo("https://huggingface.co");
        assertThat(env.token()).isEmpty();
        assertThat(env.offline()).isFalse();
    }

    @Test
    void variablesOverrideDefaults() throws IOException {
        HfEnvironment env = HfEnvironment.from(Map.of("HF_HOME", "/data/hf", "HF_ENDPOINT", "https://mirror.example/hf/",
                "HF_TOKEN", " hf_abc "), home);
        assertThat(env.hubCache()).isEqualTo(Path.of("/data/hf/hub"));
        assertThat(env.endpoint()).isEqualTo("https://mirror.example/hf");
        assertThat(env.token()).contains("hf_abc");
        assertThat(env.toString()).doesNotContain("hf_abc");
    }

    @Test
    void tokenFileUnderHfHomeOrHfTokenPath() throws IOException {
        Path hfHome = Files.createDirectories(home.resolve("hf"));
        Files.writeString(hfHome.resolve("token"), "hf_file\n");
        assertThat(HfEnvironment.from(Map.of("HF_HOME", hfHome.toString()), home).token()).contains("hf_file");
        assertThat(HfEnvironment.from(Map.of("HF_HOME", hfHome.toString(), "HF_TOKEN", "hf_env"), home).token()).contains("hf_env");
        Path other = Files.writeString(home.resolve("other-token"), "hf_other");
        assertThat(HfEnvironment.from(Map.of("HF_TOKEN_PATH", other.toString()), home).token()).contains("hf_other");
        Files.createDirectories(home.resolve(".cache/huggingface"));
        Files.writeString(home.resolve(".cache/huggingface/token"), "hf_default");
        assertThat(HfEnvironment.from(Map.of(), home).token()).isEqualTo(Optional.of("hf_default"));
    }

    @ParameterizedTest
    @CsvSource({"1,true", "ON,true", "yes,true", "True,true", "0,false", "false,false", "'',false"})
    void offlineAcceptsHuggingfaceHubTruthyValues(String value, boolean offline) throws IOException {
        assertThat(HfEnvironment.from(Map.of("HF_HUB_OFFLINE", value), home).offline()).isEqualTo(offline);
    }

    @ParameterizedTest
    @CsvSource({"acme/model,acme/model,main", "bert-base-uncased,bert-base-uncased,main",
            "acme/model@v1.2,acme/model,v1.2", "acme/model@refs/pr/3,acme/model,refs/pr/3"})
    void hubIds(String spec, String repo, String revision) {
        assertThat(HubModelId.parse(spec)).contains(new HubModelId(repo, revision));
    }

    @ParameterizedTest
    @CsvSource({"/abs/path", "a/b/c", "acme/--x", "acme/x..y", "acme/-x", "acme/model@", "'acme/m o'", "./model"})
    void notHubIds(String spec) {
        assertThat(HubModelId.parse(spec)).isEmpty();
    }
}
