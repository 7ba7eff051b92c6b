package dev.javelin.cli;

import dev.javelin.engine.Batcher;
import dev.javelin.server.InferenceServer;
import dev.javelin.models.WeightDType;
import dev.javelin.server.ServerConfig;
import dev.javelin.server.ServerStartException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code javelin serve}: one model over HTTP with Hugging Face TEI's API (and OpenAI's embeddings
 * route). Flags carry TEI's names and each also reads TEI's environment variable; start-up itself is
 * the server's ({@link InferenceServer#launch}).
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve a model over HTTP with the API of Hugging Face text-embeddings-inference (TEI):",
                "/embed, /embed_all, /predict, /rerank, /similarity, /tokenize, /decode, /info, /health,",
                "/metrics, /docs, and OpenAI's /v1/embeddings. Every flag can also be set by the environment",
                "variable in brackets. Stops gracefully on SIGTERM or Ctrl-C."})
public final class ServeCommand implements Callable<Integer> {

    @Option(names = {"--model-id", "--model"}, defaultValue = "${env:MODEL_ID}", paramLabel = "MODEL",
            description = "Model: a local Hugging Face directory or a Hub id[@revision] (HF cache, else download). "
                    + "Default: the embedded all-MiniLM-L6-v2. [MODEL_ID]")
    String model;

    @Option(names = "--served-model-name", defaultValue = "${env:SERVED_MODEL_NAME}",
            description = "Name returned as `model` by /v1/embeddings and shown by /info. Default: the model id. [SERVED_MODEL_NAME]")
    String servedModelName;

    @Option(names = "--pooling", defaultValue = "${env:POOLING}",
            description = "Pooling instead of the model's: cls, mean, max, last-token. [POOLING]")
    String pooling;

    @Option(names = "--tokenization-workers", defaultValue = "${env:TOKENIZATION_WORKERS:-0}",
            description = "Tokenizer threads. Default: one per core. [TOKENIZATION_WORKERS]")
    int tokenizationWorkers;

    @Option(names = "--max-concurrent-requests", defaultValue = "${env:MAX_CONCURRENT_REQUESTS:-512}",
            description = "Inputs in flight at once; beyond that, requests get 429. Default: ${DEFAULT-VALUE}. [MAX_CONCURRENT_REQUESTS]")
    int maxConcurrentRequests;

    @Option(names = "--max-batch-tokens", defaultValue = "${env:MAX_BATCH_TOKENS:-" + Batcher.DEFAULT_MAX_TOKENS + "}",
            description = "Token budget of one batch (real tokens: batches are packed, not padded). "
                    + "Default: ${DEFAULT-VALUE}. [MAX_BATCH_TOKENS]")
    int maxBatchTokens;

    @Option(names = "--max-batch-requests", defaultValue = "${env:MAX_BATCH_REQUESTS:-0}",
            description = "Most inputs in one batch. Default: no limit but the token budget. [MAX_BATCH_REQUESTS]")
    int maxBatchRequests;

    @Option(names = "--max-client-batch-size", defaultValue = "${env:MAX_CLIENT_BATCH_SIZE:-32}",
            description = "Most inputs in one request. Default: ${DEFAULT-VALUE}. [MAX_CLIENT_BATCH_SIZE]")
    int maxClientBatchSize;

    @Option(names = "--auto-truncate", arity = "0..1", fallbackValue = "true", defaultValue = "${env:AUTO_TRUNCATE:-true}",
            description = "Truncate inputs longer than the model's maximum when a request does not say. "
                    + "Default: ${DEFAULT-VALUE}. [AUTO_TRUNCATE]")
    boolean autoTruncate;

    @Option(names = "--json-output", defaultValue = "${env:JSON_OUTPUT:-false}",
            description = "Log one JSON object per line (TEI's format) instead of plain text. [JSON_OUTPUT]")
    boolean jsonOutput;

    @Option(names = "--hostname", defaultValue = "${env:HOSTNAME:-0.0.0.0}",
            description = "Address to listen on. Default: 0.0.0.0. [HOSTNAME]")
    String hostname;

    @Option(names = {"-p", "--port"}, defaultValue = "${env:PORT:-8080}",
            description = "Port to listen on. Default: 8080 (TEI's binary uses 3000, its container 80). [PORT]")
    int port;

    @Option(names = "--payload-limit", defaultValue = "${env:PAYLOAD_LIMIT:-2000000}",
            description = "Largest request body in bytes; larger gets 413. Default: ${DEFAULT-VALUE}. [PAYLOAD_LIMIT]")
    long payloadLimit;

    @Option(names = "--api-key", defaultValue = "${env:API_KEY}",
            description = "Require `Authorization: Bearer <key>` on all routes but /health, /metrics and the docs. [API_KEY]")
    String apiKey;

    @Option(names = "--cors-allow-origin", split = ",", defaultValue = "${env:CORS_ALLOW_ORIGIN}",
            description = "Origins allowed by CORS (comma-separated). Default: any. [CORS_ALLOW_ORIGIN]")
    List<String> corsAllowOrigin;

    @Option(names = "--shutdown-grace-period", defaultValue = "${env:SHUTDOWN_GRACE_PERIOD:-30}", paramLabel = "SECONDS",
            description = "On SIGTERM, how long requests in flight may take to finish. Default: ${DEFAULT-VALUE}. [SHUTDOWN_GRACE_PERIOD]")
    long shutdownGracePeriod;

    @Option(names = "--dtype", defaultValue = "${env:DTYPE:-f32}", paramLabel = "f32|bf16|int8",
            description = "Weights of the linear layers: f32 (as the checkpoint stores them), bf16 or int8 (quantized on load). "
                    + "Default: ${DEFAULT-VALUE}. [DTYPE]")
    String dtype;

    @Option(names = "--head", defaultValue = "${env:HEAD:-auto}", paramLabel = "auto|classifier|cross-encoder|javelin|none",
            description = "What classifies or ranks: the checkpoint's classifier, its one-output classifier (cross-encoder), "
                    + "a Javelin head over an encoder, none (embeddings only), or auto: read from the directory. "
                    + "Default: ${DEFAULT-VALUE}. [HEAD]")
    String head;

    @Mixin
    ConnectionLimitOptions connectionLimits = new ConnectionLimitOptions();

    @Override
    public Integer call() throws InterruptedException {
        if (jsonOutput) LogSetup.install(true);
        ServerConfig config;
        try {
            config = ServerConfig.builder()
                    .model(model).servedModelName(servedModelName).pooling(pooling)
                    .tokenizationWorkers(tokenizationWorkers).maxConcurrentRequests(maxConcurrentRequests)
                    .maxBatchTokens(maxBatchTokens).maxBatchRequests(maxBatchRequests)
                    .maxClientBatchSize(maxClientBatchSize).autoTruncate(autoTruncate)
                    .hostname(hostname).port(port).payloadLimit(payloadLimit).apiKey(apiKey)
                    .corsAllowOrigin(corsAllowOrigin).shutdownGracePeriod(Duration.ofSeconds(shutdownGracePeriod))
                    .dtype(WeightDType.parse(dtype)).head(HeadOption.parse(head))
                    .connectionLimits(connectionLimits.limits())
                    .build();
        } catch (IllegalArgumentException e) {
            System.err.println("javelin serve: " + e.getMessage());
            return 2;
        }
        InferenceServer server;
        try {
            server = InferenceServer.launch(config, System.err);
        } catch (ServerStartException e) {
            System.err.println("javelin serve: " + e.getMessage());
            return e.exitStatus();
        }
        server.closeOnShutdownSignal(System.err);
        server.awaitStop();
        return 0;
    }
}
