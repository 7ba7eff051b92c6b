package dev.javelin.server;

import dev.javelin.server.edge.EdgeListener;
import dev.javelin.tokenizers.Tokenizer;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.cors.CorsSupport;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http1.Http1Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;

/**
 * The TEI- and OpenAI-compatible HTTP server: Helidon 4 SE (each connection on a virtual thread) in
 * front of {@link Inference}. It can listen before its model is loaded ({@link #listen}, then
 * {@link #serve}), so that start-up overlaps the two; meanwhile /health answers 503. {@link #close()}
 * shuts down gracefully: stop accepting connections, answer every request in flight, then release
 * the model.
 */
public final class InferenceServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(InferenceServer.class.getName());

    private final WebServer web;
    private final EdgeListener edge;
    private final Path handlerSocketDir;
    private final ServerConfig config;
    private final ServerMetrics metrics;
    private final ModelSlot model;
    private final CompletableFuture<Void> shutdown;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private InferenceServer(WebServer web, EdgeListener edge, Path handlerSocketDir, ServerConfig config,
                            ServerMetrics metrics, ModelSlot model, CompletableFuture<Void> shutdown) {
        this.web = web;
        this.edge = edge;
        this.handlerSocketDir = handlerSocketDir;
        this.config = config;
        this.metrics = metrics;
        this.model = model;
        this.shutdown = shutdown;
    }

    /** Starts serving {@code backend} with {@code tokenizer} (the model's) as {@code config} says. */
    public static InferenceServer start(ServerConfig config, Backend backend, Tokenizer tokenizer) {
        InferenceServer server = listen(config);
        try {
            server.serve(backend, tokenizer);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /**
     * Starts listening without a model: every route but /metrics and the docs answers 503 until
     * {@link #serve} installs one.
     *
     * @throws java.io.UncheckedIOException when the address cannot be bound
     */
    public static InferenceServer listen(ServerConfig config) {
        ServerMetrics metrics = new ServerMetrics();
        ModelSlot model = new ModelSlot();
        CompletableFuture<Void> shutdown = new CompletableFuture<>();
        HttpRouting.Builder routing = HttpRouting.builder();
        routing.register(cors(config));
        if (config.apiKey() != null) {
            routing.addFilter(new ApiKeyFilter(config.apiKey()));
        }
        MethodNotAllowed.register(routing, new TeiRoutes(model, config, metrics, shutdown),
                new OpenAiRoutes(model, config, metrics, shutdown), new ApiDocs());
        // Helidon's handlers listen on a private UNIX socket; clients reach them only through the edge
        // listener, which owns the connection limits, timeouts and request framing (docs/security.md).
        Path socketDir = privateSocketDir();
        UnixDomainSocketAddress handlers = UnixDomainSocketAddress.of(socketDir.resolve("http.sock"));
        WebServer web = WebServer.builder()
                .bindAddress(handlers)
                .shutdownHook(false)
                .shutdownGracePeriod(config.shutdownGracePeriod())
                .addProtocol(Http1Config.builder().addReceiveListener(new ConnectionTracker()).build())
                .routing(routing)
                .build()
                .start();
        EdgeListener edge;
        try {
            edge = EdgeListener.start(config.hostname(), config.port(), handlers, config.connectionLimits(), metrics);
        } catch (RuntimeException e) {
            web.stop();
            deleteSocketDir(socketDir);
            throw e;
        }
        return new InferenceServer(web, edge, socketDir, config, metrics, model, shutdown);
    }

    /**
     * Serves {@code backend} from now on.
     *
     * @throws IllegalArgumentException when the settings do not fit the model (batch budget below its length)
     * @throws IllegalStateException    when a model is already served or the server is closed
     */
    public synchronized void serve(Backend backend, Tokenizer tokenizer) {
        if (model.orNull() != null || stopped.getCount() == 0) {
            throw new IllegalStateException("the server already serves a model or is closed");
        }
        model.set(new Inference(backend, tokenizer, config, metrics));
    }

    private static CorsSupport cors(ServerConfig config) {
        CorsSupport.Builder cors = CorsSupport.builder()
                .allowMethods("GET", "POST")
                .allowHeaders("content-type", "authorization");
        if (!config.corsAllowOrigin().isEmpty() && !config.corsAllowOrigin().contains("*")) {
            cors.allowOrigins(config.corsAllowOrigin().toArray(String[]::new));
        }
        return cors.build();
    }

    /** The port the server listens on (the one picked when configured with 0). */
    public int port() {
        return edge.port();
    }

    private static Path privateSocketDir() {
        try {
            return Files.createTempDirectory("javelin-http",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the directory of the handlers' socket: " + e.getMessage(), e);
        }
    }

    private static void deleteSocketDir(Path dir) {
        try {
            Files.deleteIfExists(dir.resolve("http.sock"));
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            LOG.fine(() -> "could not delete " + dir + ": " + e.getMessage());
        }
    }

    /** The model being served. @throws IllegalStateException before {@link #serve} */
    public Inference inference() {
        Inference inference = model.orNull();
        if (inference == null) {
            throw new IllegalStateException("no model is served yet");
        }
        return inference;
    }

    /** Shuts down gracefully on SIGTERM / SIGINT, saying so on stderr (logging is already shut down then). */
    public void closeOnShutdownSignal() {
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("javelin-shutdown").unstarted(() -> {
            long start = System.nanoTime();
            System.err.println("javelin serve: shutting down; finishing requests in flight");
            close();
            System.err.printf("javelin serve: stopped gracefully in %d ms%n", (System.nanoTime() - start) / 1_000_000);
        }));
    }

    /** Blocks until the server has been closed. */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /**
     * Stops accepting connections, lets every request in flight finish (up to the grace period), drains
     * the batching queue and releases the model. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (stopped.getCount() == 0) {
            return;
        }
        long start = System.nanoTime();
        // Connections idling after an answer stop waiting for the client's next request.
        shutdown.complete(null);
        edge.close();
        web.stop();
        deleteSocketDir(handlerSocketDir);
        Inference inference = model.orNull();
        if (inference != null) {
            inference.close();
        }
        stopped.countDown();
        LOG.info(() -> "stopped in " + (System.nanoTime() - start) / 1_000_000 + " ms");
    }
}
