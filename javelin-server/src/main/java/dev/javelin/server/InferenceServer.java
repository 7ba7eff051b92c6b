package dev.javelin.server;

import dev.javelin.engine.Engine;
import dev.javelin.engine.ModelSpec;
import dev.javelin.server.edge.EdgeListener;
import dev.javelin.server.http.HttpApi;
import dev.javelin.server.http.ModelSlot;
import dev.javelin.server.scheduling.Inference;
import dev.javelin.server.scheduling.ServerMetrics;
import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;

/**
 * The TEI- and OpenAI-compatible HTTP server: Helidon 4 SE (each connection on a virtual thread) in
 * front of {@link Inference}, which schedules work on the {@link Engine}. This class wires the layers
 * and owns start-up: {@link #launch} listens while the model loads and warms up (the two dominate
 * start-up, and they overlap), and until then /health answers 503. {@link #close()} shuts down
 * gracefully: stop accepting connections, answer every request in flight, then release the model.
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

    /**
     * Starts the server {@code config} describes, its model included: listens at once, loads and warms
     * up the model meanwhile, serves it, and checks health with a forward pass through the queue. Reports
     * on {@code log} when it is ready and what start-up cost.
     *
     * @throws ServerStartException when the address cannot be bound (exit status 1) or the model cannot
     *                              be loaded or does not fit the settings (2)
     */
    public static InferenceServer launch(ServerConfig config, PrintStream log) throws ServerStartException {
        long begin = System.nanoTime();
        long[] modelLoaded = new long[1];
        CompletableFuture<Engine> loading = new CompletableFuture<>();
        Thread.ofPlatform().name("javelin-model-loader").start(() -> {
            try {
                Engine engine = Engine.load(config.modelSpec(), config.batcher());
                modelLoaded[0] = System.nanoTime();
                try {
                    engine.warmUp();
                } catch (RuntimeException | Error e) {
                    engine.close();
                    throw e;
                }
                loading.complete(engine);
            } catch (IOException | RuntimeException | Error e) {
                loading.completeExceptionally(e);
            }
        });
        InferenceServer server;
        try {
            server = listen(config);
        } catch (RuntimeException e) {
            loading.thenAccept(Engine::close);
            throw new ServerStartException("cannot listen on " + config.hostname() + ":" + config.port() + ": "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), 1, e);
        }
        long listening = System.nanoTime();
        Engine engine;
        try {
            engine = loading.join();
        } catch (CompletionException e) {
            server.close();
            throw new ServerStartException("cannot load model " + (config.model() == null ? "(embedded default)" : config.model())
                    + ": " + e.getCause().getMessage(), 2, e.getCause());
        }
        long warm = System.nanoTime();
        try {
            server.serve(engine);
        } catch (IllegalArgumentException e) {
            engine.close();
            server.close();
            throw new ServerStartException(e.getMessage(), 2, e);
        }
        // A forward pass through the queue, so that /health answers at once from now on.
        boolean healthy = server.inference().health();
        log.printf("javelin serve: %s on http://%s:%d %s (JVM up %d ms; after %d ms listening, %d ms model loaded,"
                        + " %d ms first forward pass done, %d ms healthy)%n", engine.info().modelId(), config.hostname(),
                server.port(), healthy ? "ready" : "UNHEALTHY", ManagementFactory.getRuntimeMXBean().getUptime(),
                ms(listening - begin), ms(modelLoaded[0] - begin), ms(warm - begin), ms(System.nanoTime() - begin));
        return server;
    }

    /** Starts serving an engine already loaded. */
    public static InferenceServer start(ServerConfig config, Engine engine) {
        InferenceServer server = listen(config);
        try {
            server.serve(engine);
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
        // Helidon's handlers listen on a private UNIX socket; clients reach them only through the edge
        // listener, which owns the connection limits, timeouts and request framing (docs/security.md).
        Path socketDir = privateSocketDir();
        UnixDomainSocketAddress handlers = UnixDomainSocketAddress.of(socketDir.resolve("http.sock"));
        WebServer web = WebServer.builder()
                .bindAddress(handlers)
                .shutdownHook(false)
                .shutdownGracePeriod(config.shutdownGracePeriod())
                .addProtocol(HttpApi.protocol())
                .routing(HttpApi.routing(config, model, metrics, shutdown))
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
     * Serves {@code engine} from now on.
     *
     * @throws IllegalArgumentException when the settings do not fit the model (batch budget below its length)
     * @throws IllegalStateException    when a model is already served or the server is closed
     */
    public synchronized void serve(Engine engine) {
        if (model.orNull() != null || stopped.getCount() == 0) {
            throw new IllegalStateException("the server already serves a model or is closed");
        }
        model.set(new Inference(engine, config.limits(), metrics));
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
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

    /**
     * Shuts down gracefully on SIGTERM / SIGINT, saying so on {@code out} (java.util.logging may already be
     * shut down by then, so not through a logger).
     */
    public void closeOnShutdownSignal(PrintStream out) {
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("javelin-shutdown").unstarted(() -> {
            long start = System.nanoTime();
            out.println("javelin serve: shutting down; finishing requests in flight");
            close();
            out.printf("javelin serve: stopped gracefully in %d ms%n", (System.nanoTime() - start) / 1_000_000);
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
