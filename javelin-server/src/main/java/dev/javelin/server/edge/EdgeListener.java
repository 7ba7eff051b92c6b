package dev.javelin.server.edge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The server's public listener: it accepts client connections, holds at most
 * {@link EdgeLimits#maxConnections()} of them, and hands each
 * to an {@link EdgeConnection}, which passes checked requests on to the HTTP handlers listening on
 * {@code handlers}, a private UNIX socket. At the cap a new connection takes the place of the one that
 * has waited longest for a request; when every connection is busy with a request it is closed at once.
 * Both are counted. When accepting fails (the file limit reached by something
 * else, a kernel hiccup) it backs off and tries again: the listener only ends when it is closed.
 */
public final class EdgeListener implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(EdgeListener.class.getName());
    private static final long MIN_BACKOFF_MS = 10;
    private static final long MAX_BACKOFF_MS = 1000;

    private final ServerSocket server;
    private final UnixDomainSocketAddress handlers;
    private final EdgeLimits limits;
    private final EdgeEvents events;
    private final AtomicInteger open = new AtomicInteger();
    private final Set<EdgeConnection> connections = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closing;

    private EdgeListener(ServerSocket server, UnixDomainSocketAddress handlers, EdgeLimits limits, EdgeEvents events) {
        this.server = server;
        this.handlers = handlers;
        this.limits = limits;
        this.events = events;
        this.acceptor = Thread.ofPlatform().name("javelin-accept").daemon().unstarted(this::acceptLoop);
    }

    /**
     * Listens on {@code host}:{@code port} (0 picks a free port).
     *
     * @throws UncheckedIOException     when the address cannot be bound
     * @throws IllegalArgumentException when the cap does not fit the file limit
     */
    public static EdgeListener start(String host, int port, UnixDomainSocketAddress handlers, EdgeLimits limits,
                                     EdgeEvents events) {
        limits.requireWithinFileLimit();
        ServerSocket server;
        try {
            server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(host, port), 1024);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + host + ':' + port + ": " + e.getMessage(), e);
        }
        return start(server, handlers, limits, events);
    }

    /** Serves clients accepted on {@code server}. */
    static EdgeListener start(ServerSocket server, UnixDomainSocketAddress handlers, EdgeLimits limits, EdgeEvents events) {
        EdgeListener listener = new EdgeListener(server, handlers, limits, events);
        listener.acceptor.start();
        return listener;
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Client connections open now. */
    public int openConnections() {
        return open.get();
    }

    private void acceptLoop() {
        long backoff = MIN_BACKOFF_MS;
        while (!closing) {
            Socket socket;
            try {
                socket = server.accept();
                backoff = MIN_BACKOFF_MS;
            } catch (IOException e) {
                if (closing) {
                    return;
                }
                events.acceptFailed();
                if (backoff == MIN_BACKOFF_MS) {
                    LOG.warning(() -> "accepting a connection failed (" + e.getMessage() + "); retrying with back-off");
                }
                sleep(backoff);
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
                continue;
            }
            if (open.get() >= limits.maxConnections() && !evictIdlest()) {
                events.connectionRefused();
                closeQuietly(socket);
                continue;
            }
            open.incrementAndGet();
            events.connectionOpened();
            try {
                socket.setTcpNoDelay(true);
                EdgeConnection connection = new EdgeConnection(socket, handlers, limits, events, c -> {
                    connections.remove(c);
                    open.decrementAndGet();
                });
                connections.add(connection);
                Thread.ofVirtual().name("javelin-connection").start(connection::run);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "could not start a connection", e);
                open.decrementAndGet();
                events.connectionClosed();
                closeQuietly(socket);
            }
        }
    }

    /**
     * At the cap, makes room by closing the connection that has waited longest for a request with
     * nothing to answer (as a flood of idle connections would hold them); false when every connection
     * is busy with a request.
     */
    private boolean evictIdlest() {
        for (int attempt = 0; attempt < 3; attempt++) {
            EdgeConnection idlest = null;
            long since = Long.MAX_VALUE;
            for (EdgeConnection c : connections) {
                long s = c.idleSince();
                if (s < since) {
                    since = s;
                    idlest = c;
                }
            }
            if (idlest == null) {
                return false;
            }
            if (idlest.evictIfIdle(since)) {
                events.connectionEvicted();
                return true;
            }
        }
        return false;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "close failed", e);
        }
    }

    /**
     * Stops accepting and closes the connections that wait for a request; those being answered close
     * when their answer is done.
     */
    @Override
    public void close() {
        closing = true;
        try {
            server.close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "close failed", e);
        }
        for (EdgeConnection c : connections) {
            c.closeIfIdle();
        }
        try {
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
