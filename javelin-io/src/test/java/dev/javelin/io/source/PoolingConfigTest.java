package dev.javelin.io.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.javelin.io.config.ConfigException;
import dev.javelin.io.source.PoolingConfig.Mode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PoolingConfigTest {

    @TempDir Path dir;

    private static Path model(String name) throws URISyntaxException {
        return Path.of(PoolingConfigTest.class.getResource("/models/" + name).toURI());
    }

    private static final String TRANSFORMER = "{\"idx\":0,\"name\":\"0\",\"path\":\"\",\"type\":\"sentence_transformers.models.Transformer\"}";
    private static final String POOLING = "{\"idx\":1,\"name\":\"1\",\"path\":\"1_Pooling\",\"type\":\"sentence_transformers.models.Pooling\"}";

    private void pooling(String json) throws IOException {
        Files.createDirectories(dir.resolve("1_Pooling"));
        Files.writeString(dir.resolve("1_Pooling/config.json"), json);
    }

    private void modules(String... entries) throws IOException {
        Files.writeString(dir.resolve("modules.json"), "[" + String.join(",", entries) + "]");
    }

    @Test
    void miniLmIsMeanPoolingThenNormalize() throws Exception {
        assertThat(PoolingConfig.load(model("all-MiniLM-L6-v2"))).isEqualTo(new PoolingConfig(Mode.MEAN, true, 384, true));
    }

    @Test
    void bgeIsClsPoolingThenNormalize() throws Exception {
        assertThat(PoolingConfig.load(model("bge-small-en-v1.5"))).isEqualTo(new PoolingConfig(Mode.CLS, true, 384, true));
    }

    @Test
    void plainTransformersModelHasNone() throws Exception {
        assertThat(PoolingConfig.load(model("bert-base-uncased"))).isNull();
    }

    @Test
    void poolingDirectoryWithoutModulesJsonDoesNotNormalize() throws IOException {
        pooling("{\"word_embedding_dimension\": 8, \"pooling_mode_max_tokens\": true}");
        assertThat(PoolingConfig.load(dir)).isEqualTo(new PoolingConfig(Mode.MAX, false, 8, true));
    }

    @Test
    void lastTokenWithoutNormalize() throws IOException {
        pooling("{\"word_embedding_dimension\": 8, \"pooling_mode_lasttoken\": true, \"include_prompt\": false}");
        modules(TRANSFORMER, POOLING);
        assertThat(PoolingConfig.load(dir)).isEqualTo(new PoolingConfig(Mode.LAST_TOKEN, false, 8, false));
    }

    private static final String DENSE = "{\"idx\":2,\"name\":\"2\",\"path\":\"2_Dense_64\",\"type\":\"sentence_transformers.models.Dense\"}";
    private static final String NORMALIZE = "{\"idx\":3,\"name\":\"3\",\"path\":\"3_Normalize\",\"type\":\"sentence_transformers.models.Normalize\"}";

    @Test
    void denseModulesComeBetweenPoolingAndNormalize() throws IOException {
        pooling("{\"word_embedding_dimension\": 8, \"pooling_mode_mean_tokens\": true}");
        modules(TRANSFORMER, POOLING, DENSE, NORMALIZE);
        assertThat(PoolingConfig.load(dir)).isEqualTo(new PoolingConfig(Mode.MEAN, true, 8, true, java.util.List.of(dir.resolve("2_Dense_64"))));
        modules(TRANSFORMER, POOLING, NORMALIZE, DENSE);
        assertThatThrownBy(() -> PoolingConfig.load(dir)).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.file()).isEqualTo(dir.resolve("modules.json"));
            assertThat(e.getMessage()).contains("a Dense module must come after Pooling and before Normalize");
        });
        modules(TRANSFORMER, POOLING, "{\"idx\":2,\"name\":\"2\",\"path\":\"2_LSTM\",\"type\":\"sentence_transformers.models.LSTM\"}");
        assertThatThrownBy(() -> PoolingConfig.load(dir)).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(e.getMessage()).contains("sentence_transformers.models.LSTM is not supported"));
    }

    @Test
    void severalModesOrUnsupportedModesAreErrors() throws IOException {
        modules(TRANSFORMER, POOLING);
        pooling("{\"word_embedding_dimension\": 8, \"pooling_mode_mean_tokens\": true, \"pooling_mode_cls_token\": true}");
        assertThatThrownBy(() -> PoolingConfig.load(dir)).isInstanceOf(ConfigException.class).hasMessageContaining("several pooling modes [CLS, MEAN]");
        pooling("{\"word_embedding_dimension\": 8, \"pooling_mode_weightedmean_tokens\": true}");
        assertThatThrownBy(() -> PoolingConfig.load(dir)).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(e.key()).isEqualTo("pooling_mode_weightedmean_tokens"));
        pooling("{\"word_embedding_dimension\": 8}");
        assertThatThrownBy(() -> PoolingConfig.load(dir)).isInstanceOf(ConfigException.class).hasMessageContaining("no pooling mode");
    }

    @Test
    void modulePathMustStayInsideTheModel() throws IOException {
        modules(TRANSFORMER, "{\"idx\":1,\"name\":\"1\",\"path\":\"../../etc\",\"type\":\"sentence_transformers.models.Pooling\"}");
        assertThatThrownBy(() -> PoolingConfig.load(dir)).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(e.key()).isEqualTo("path"));
    }
}
