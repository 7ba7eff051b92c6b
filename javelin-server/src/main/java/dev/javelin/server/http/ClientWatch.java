package dev.javelin.server.http;

import dev.javelin.server.scheduling.ClientConnection;
import io.helidon.common.buffers.DataReader;
import io.helidon.webserver.ConnectionContext;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Notices a client hanging up while its request waits for the model, so its inputs are not computed.
 *
 * <p>Once the request body has been read, nothing reads the connection until the handler returns, so
 * a closed connection goes unseen. A watcher thread therefore reads ahead on the connection's own
 * reader: end of stream means the client is gone; any byte (the next request) means it is still there,
 * and the byte stays buffered in the reader for Helidon to parse. Before the handler returns it waits
 * for the watcher to finish, so that only one thread ever reads the connection — for a keep-alive
 * client that is the same wait for its next request the connection would do anyway.
 */
final class ClientWatch implements ClientConnection {
    private static final Logger LOG = Logger.getLogger(ClientWatch.class.getName());

    private final ConnectionContext connection;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private volatile boolean open = true;

    private ClientWatch(ConnectionContext connection) {
        this.connection = connection;
    }

    /**
     * Starts watching the connection of the request handled on this thread; its body must have been
     * read. Outside Helidon's HTTP/1.1 connections, returns a client that is always there.
     */
    static ClientWatch startForCurrentRequest() {
        ConnectionContext ctx = ConnectionTracker.current();
        ClientWatch watch = new ClientWatch(ctx);
        if (ctx == null || ctx.dataReader().available() > 0) {
            // Unknown connection, or the client already sent more (a pipelined request): nothing to watch.
            watch.done.complete(null);
            return watch;
        }
        DataReader reader = ctx.dataReader();
        Thread.ofVirtual().name("javelin-client-watch").start(() -> {
            try {
                reader.pullData();
            } catch (RuntimeException e) {
                watch.open = false;
            } finally {
                watch.done.complete(null);
            }
        });
        return watch;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /**
     * Gives the connection back to Helidon once the response is sent. With {@code keepAlive}, waits until
     * the client sends its next request or hangs up (at most {@code idleTimeout}, after which the
     * connection is closed as idle), or until {@code shutdown} completes; otherwise the connection is
     * about to close and its reads end with it.
     */
    void release(boolean keepAlive, CompletableFuture<?> shutdown, Duration idleTimeout) {
        if (!keepAlive || done.isDone()) {
            return;
        }
        try {
            CompletableFuture.anyOf(done, shutdown).get(idleTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            closeConnection();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.log(Level.FINE, "client watch failed", e);
        }
        if (!done.isDone()) {
            // Shutting down (or idle): the watcher still reads, so the connection must not be read again.
            closeConnection();
        }
    }

    private void closeConnection() {
        try {
            connection.serverSocket().close();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "closing an idle connection failed", e);
        }
    }
}
