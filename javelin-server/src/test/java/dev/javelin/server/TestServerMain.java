package dev.javelin.server;

/**
 * The server as its own process for the SIGTERM and flood tests: serves the default model on a free loopback
 * port, prints "port N" when ready, and shuts down gracefully on SIGTERM.
 */
public final class TestServerMain {
    private TestServerMain() {
    }

    public static void main(String[] args) throws Exception {
        InferenceServer server = InferenceServer.launch(ServerConfig.builder().hostname("127.0.0.1").port(0)
                .maxBatchTokens(Integer.parseInt(args[0])).build(), System.err);
        server.closeOnShutdownSignal(System.err);
        System.out.println("port " + server.port());
        System.out.flush();
        server.awaitStop();
    }
}
