package dev.javelin.server;

import dev.javelin.server.edge.EdgeLimits;

/**
 * The server as its own process for the SIGTERM and flood tests: serves the default model on a free
 * loopback port, prints "port N" when ready, and shuts down gracefully on SIGTERM. Arguments: the batch
 * token budget, then optionally the connection cap (0: from the file limit).
 */
public final class TestServerMain {
    private TestServerMain() {
    }

    public static void main(String[] args) throws Exception {
        EncoderBackend backend = EncoderBackend.load(null, null);
        int maxConnections = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        EdgeLimits limits = EdgeLimits.defaults();
        InferenceServer server = InferenceServer.start(ServerConfig.builder().hostname("127.0.0.1").port(0)
                .maxBatchTokens(Integer.parseInt(args[0]))
                .connectionLimits(maxConnections > 0 ? limits.withMaxConnections(maxConnections) : limits)
                .build(), backend, backend.tokenizer());
        server.closeOnShutdownSignal();
        System.out.println("port " + server.port());
        System.out.flush();
        server.awaitStop();
    }
}
