package dev.javelin.server;

import dev.javelin.engine.Batcher;
import dev.javelin.engine.Head;
import dev.javelin.engine.ModelSpec;
import dev.javelin.engine.Pooling;
import dev.javelin.server.edge.EdgeLimits;
import dev.javelin.server.scheduling.Inference;
import dev.javelin.models.WeightDType;
import java.time.Duration;
import java.util.List;

/**
 * Everything the server is started with, named after TEI's flags; {@code /info} shows it.
 *
 * @param model                 model source ({@code --model-id}); null serves the embedded default
 * @param servedModelName       name reported as {@code model} by /v1/embeddings; null: the model id
 * @param pooling               pooling overriding the model's ({@code cls|mean|max|last-token}); null: the model's
 * @param tokenizationWorkers   threads that tokenize; 0: one per core
 * @param maxConcurrentRequests inputs in flight at once; beyond it requests get 429
 * @param maxBatchTokens        token budget of one batch
 * @param maxBatchRequests      most inputs in one batch; 0: no limit but the token budget
 * @param maxClientBatchSize    most inputs in one request
 * @param autoTruncate          truncate inputs longer than the model's maximum when a request does not say
 * @param hostname              address to listen on
 * @param port                  port to listen on; 0 picks a free one
 * @param payloadLimit          largest request body in bytes
 * @param apiKey                bearer token the inference routes require; null: none
 * @param corsAllowOrigin       origins allowed by CORS; empty: any (as TEI)
 * @param shutdownGracePeriod   how long shutdown waits for requests in flight
 * @param dtype                 precision of the model's linear layers ({@code --dtype}; int8/bf16 quantize on load)
 * @param connectionLimits      open connections and request timeouts (docs/security.md)
 * @param head                  what classifies or ranks ({@code --head}); {@link Head#AUTO}: read from the directory
 */
public record ServerConfig(String model, String servedModelName, String pooling, int tokenizationWorkers,
                           int maxConcurrentRequests, int maxBatchTokens, int maxBatchRequests,
                           int maxClientBatchSize, boolean autoTruncate, String hostname, int port,
                           long payloadLimit, String apiKey, List<String> corsAllowOrigin,
                           Duration shutdownGracePeriod, WeightDType dtype,
                           EdgeLimits connectionLimits, Head head) {

    public static final int DEFAULT_PORT = 8080;

    public ServerConfig {
        requirePositive("--max-concurrent-requests", maxConcurrentRequests);
        requirePositive("--max-batch-tokens", maxBatchTokens);
        requirePositive("--max-client-batch-size", maxClientBatchSize);
        requirePositive("--payload-limit", payloadLimit);
        if (maxBatchRequests < 0) {
            throw new IllegalArgumentException("--max-batch-requests must be positive, got " + maxBatchRequests);
        }
        if (tokenizationWorkers < 0) {
            throw new IllegalArgumentException("--tokenization-workers must be positive, got " + tokenizationWorkers);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be in 0..65535, got " + port);
        }
        if (pooling != null) {
            try {
                Pooling.parse(pooling);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--pooling: " + e.getMessage());
            }
        }
        if (apiKey != null && apiKey.isEmpty()) {
            apiKey = null;
        }
        corsAllowOrigin = corsAllowOrigin == null ? List.of() : List.copyOf(corsAllowOrigin);
        if (dtype == null) dtype = WeightDType.F32;
        if (shutdownGracePeriod == null || shutdownGracePeriod.isNegative()) {
            throw new IllegalArgumentException("the shutdown grace period must not be negative");
        }
        if (connectionLimits == null) {
            connectionLimits = EdgeLimits.defaults();
        }
        if (head == null) head = Head.AUTO;
    }

    private static void requirePositive(String flag, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(flag + " must be positive, got " + value);
        }
    }

    /** TEI's defaults, on port 8080. */
    public static Builder builder() {
        return new Builder();
    }

    /** The model to serve, with the pooling override. */
    public ModelSpec modelSpec() {
        return new ModelSpec(model, pooling == null ? null : Pooling.parse(pooling), null, dtype, head);
    }

    /** How batches are cut: {@code --max-batch-tokens} and {@code --max-batch-requests}. */
    public Batcher batcher() {
        return new Batcher(maxBatchTokens, maxBatchRequests);
    }

    /** The scheduling settings. */
    public Inference.Limits limits() {
        return new Inference.Limits(maxConcurrentRequests, maxClientBatchSize, effectiveTokenizationWorkers());
    }

    /** Threads tokenizing: as configured, else one per core. */
    public int effectiveTokenizationWorkers() {
        return tokenizationWorkers > 0 ? tokenizationWorkers : Runtime.getRuntime().availableProcessors();
    }

    /** Builds a {@link ServerConfig} starting from TEI's defaults. */
    public static final class Builder {
        private String model;
        private String servedModelName;
        private String pooling;
        private int tokenizationWorkers;
        private int maxConcurrentRequests = 512;
        private int maxBatchTokens = Batcher.DEFAULT_MAX_TOKENS;
        private int maxBatchRequests;
        private int maxClientBatchSize = 32;
        private boolean autoTruncate = true;
        private String hostname = "0.0.0.0";
        private int port = DEFAULT_PORT;
        private long payloadLimit = 2_000_000;
        private String apiKey;
        private List<String> corsAllowOrigin = List.of();
        private Duration shutdownGracePeriod = Duration.ofSeconds(30);
        private WeightDType dtype = WeightDType.F32;
        private EdgeLimits connectionLimits;
        private Head head = Head.AUTO;

        private Builder() {
        }

        public Builder model(String v) { model = v; return this; }
        public Builder servedModelName(String v) { servedModelName = v; return this; }
        public Builder pooling(String v) { pooling = v; return this; }
        public Builder tokenizationWorkers(int v) { tokenizationWorkers = v; return this; }
        public Builder maxConcurrentRequests(int v) { maxConcurrentRequests = v; return this; }
        public Builder maxBatchTokens(int v) { maxBatchTokens = v; return this; }
        public Builder maxBatchRequests(int v) { maxBatchRequests = v; return this; }
        public Builder maxClientBatchSize(int v) { maxClientBatchSize = v; return this; }
        public Builder autoTruncate(boolean v) { autoTruncate = v; return this; }
        public Builder hostname(String v) { hostname = v; return this; }
        public Builder port(int v) { port = v; return this; }
        public Builder payloadLimit(long v) { payloadLimit = v; return this; }
        public Builder apiKey(String v) { apiKey = v; return this; }
        public Builder corsAllowOrigin(List<String> v) { corsAllowOrigin = v; return this; }
        public Builder shutdownGracePeriod(Duration v) { shutdownGracePeriod = v; return this; }
        public Builder dtype(WeightDType v) { dtype = v; return this; }
        public Builder connectionLimits(EdgeLimits v) { connectionLimits = v; return this; }
        public Builder head(Head v) { head = v; return this; }

        public ServerConfig build() {
            return new ServerConfig(model, servedModelName, pooling, tokenizationWorkers, maxConcurrentRequests,
                    maxBatchTokens, maxBatchRequests, maxClientBatchSize, autoTruncate, hostname, port,
                    payloadLimit, apiKey, corsAllowOrigin, shutdownGracePeriod, dtype, connectionLimits, head);
        }
    }
}
