package dev.javelin.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ServerConfigTest {

    @Test
    void defaultsAreTeisOnPort8080() {
        ServerConfig c = ServerConfig.builder().build();
        assertThat(c.maxConcurrentRequests()).isEqualTo(512);
        assertThat(c.maxBatchTokens()).isEqualTo(16384);
        assertThat(c.maxBatchRequests()).isZero();
        assertThat(c.maxClientBatchSize()).isEqualTo(32);
        assertThat(c.autoTruncate()).isTrue();
        assertThat(c.payloadLimit()).isEqualTo(2_000_000);
        assertThat(c.hostname()).isEqualTo("0.0.0.0");
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.apiKey()).isNull();
        assertThat(c.corsAllowOrigin()).isEmpty();
        assertThat(c.effectiveTokenizationWorkers()).isEqualTo(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void invalidSettingsNameTheirFlag() {
        assertThatThrownBy(() -> ServerConfig.builder().maxBatchTokens(0).build()).hasMessageContaining("--max-batch-tokens");
        assertThatThrownBy(() -> ServerConfig.builder().maxConcurrentRequests(-1).build())
                .hasMessageContaining("--max-concurrent-requests");
        assertThatThrownBy(() -> ServerConfig.builder().port(70000).build()).hasMessageContaining("--port");
        assertThatThrownBy(() -> ServerConfig.builder().pooling("splade").build()).hasMessageContaining("--pooling");
        assertThatThrownBy(() -> ServerConfig.builder().payloadLimit(0).build()).hasMessageContaining("--payload-limit");
        assertThatThrownBy(() -> ServerConfig.builder().shutdownGracePeriod(Duration.ofSeconds(-1)).build())
                .hasMessageContaining("grace period");
    }

    @Test
    void anEmptyApiKeyMeansNone() {
        assertThat(ServerConfig.builder().apiKey("").build().apiKey()).isNull();
    }
}
