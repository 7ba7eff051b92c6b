package dev.javelin.server.edge;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One client connection. Its own virtual thread reads requests under the {@link EdgeLimits} deadlines,
 * checks each ({@link RequestHead}, bodies through {@link HttpInput}) and passes it on to the HTTP
 * handlers over a private socket, opened at the first request. A second virtual thread relays the
 * handlers' answers back in order ({@link ResponseRelay}); between answers it also writes this layer's
 * own refusals, so that a refusal never cuts into an answer, and it closes the connection after an
 * answer to a request that asked for it.
 */
final class EdgeConnection {
    private static final Logger LOG = Logger.getLogger(EdgeConnection.class.getName());

    /** What the relay does next, in the order the requests came. */
    sealed interface Next {
        /** Relay the handlers' answer to a request. */
        record Answer(boolean head, boolean close) implements Next {
        }

        /** Write a refusal of this layer, then close. */
        record Refuse(int status, String message) implements Next {
        }

        /** Close once everything before has been answered. */
        record End() implements Next {
        }
    }

    private final Socket client;
    private final UnixDomainSocketAddress handlers;
    private final EdgeLimits limits;
    private final EdgeEvents events;
    private final Consumer<EdgeConnection> onClose;
    private final BlockingQueue<Next> next = new LinkedBlockingQueue<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Requests passed on whose answer has not been relayed yet: while there are some, the client is not idle. */
    private final AtomicInteger unanswered = new AtomicInteger();
    /**
     * {@link #READING} while a request is read; {@link #AWAITING} while waiting for the next request
     * with answers still to relay; otherwise the time ({@link System#nanoTime()}) since when it has waited
     * with nothing to answer, when it may be evicted to make room ({@link #EVICTED}).
     */
    private final AtomicLong state = new AtomicLong(System.nanoTime()); // accepted: waiting for a first request
    private static final long READING = Long.MIN_VALUE;
    private static final long AWAITING = Long.MIN_VALUE + 1;
    private static final long EVICTED = Long.MIN_VALUE + 2;
    private volatile SocketChannel backend;
    /** Set when a body broke its framing after its head was passed on; the relay answers with it. */
    private volatile Next.Refuse bodyRefusal;
    private Thread relay;

    EdgeConnection(Socket client, UnixDomainSocketAddress handlers, EdgeLimits limits, EdgeEvents events,
                   Consumer<EdgeConnection> onClose) {
        this.client = client;
        this.handlers = handlers;
        this.limits = limits;
        this.events = events;
        this.onClose = onClose;
    }

    /** Reads requests until the client leaves, a limit is crossed or a request is refused. */
    void run() {
        try {
            readRequests();
        } catch (IOException e) {
            // The client reset the connection or it was closed under us: nothing left to answer.
            next.add(new Next.End());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "connection failed", e);
            next.add(new Next.End());
        }
        if (relay == null) {
            relay();
        }
    }

    private void readRequests() throws IOException {
        HttpInput in = new HttpInput(client.getInputStream(), client);
        OutputStream toHandlers = null;
        long idleNanos = limits.requestLineTimeout().toNanos();
        String idlePhase = "request_line";
        while (true) {
            long now = System.nanoTime();
            in.deadline(now + idleNanos);
            if (!in.buffered() && !markWaiting(unanswered.get() == 0 ? now : AWAITING)) {
                return;
            }
            try {
                boolean more = in.awaitByte();
                if (state.getAndSet(READING) == EVICTED) {
                    return;
                }
                if (!more) {
                    next.add(new Next.End());
                    shutdownBackendOutput();
                    return;
                }
            } catch (SocketTimeoutException e) {
                if (state.getAndSet(READING) == EVICTED) {
                    return;
                }
                if (unanswered.get() > 0) {
                    // An answer is still being computed or sent: the client is not idle.
                    idleNanos = limits.idleTimeout().toNanos();
                    continue;
                }
                events.timedOut(idlePhase);
                next.add(new Next.End());
                return;
            }
            long first = System.nanoTime();
            RequestHead head;
            try {
                in.deadline(first + limits.requestLineTimeout().toNanos());
                byte[] line = RequestHead.readRequestLine(in);
                in.deadline(first + limits.headerTimeout().toNanos());
                head = RequestHead.read(line, in);
            } catch (HttpFramingException e) {
                refuse(e.status(), e.getMessage());
                return;
            } catch (SocketTimeoutException e) {
                events.timedOut("headers");
                refuse(408, "the request head took longer than " + limits.headerTimeout().toSeconds() + " s");
                return;
            }
            if (toHandlers == null) {
                toHandlers = openBackend();
                if (toHandlers == null) {
                    refuse(503, "the request handlers cannot be reached: the server is shutting down");
                    return;
                }
            }
            unanswered.incrementAndGet();
            next.add(new Next.Answer(head.method().equals("HEAD"), head.close()));
            startRelay();
            toHandlers.write(head.encode(client.getLocalAddress().getHostAddress() + ':' + client.getLocalPort()));
            in.deadline(System.nanoTime() + limits.bodyTimeout().toNanos());
            try {
                if (head.chunked()) {
                    in.copyChunked(toHandlers);
                } else {
                    in.copy(head.length(), toHandlers);
                }
                toHandlers.flush();
            } catch (HttpFramingException e) {
                // The handlers already have the head: cut them off, and the relay answers the client instead.
                events.rejected(e.status());
                bodyRefusal = new Next.Refuse(e.status(), e.getMessage());
                cutBackend();
                return;
            } catch (SocketTimeoutException e) {
                events.timedOut("body");
                abort();
                return;
            }
            if (head.close()) {
                next.add(new Next.End());
                return;
            }
            idleNanos = limits.idleTimeout().toNanos();
            idlePhase = "idle";
        }
    }

    private void refuse(int status, String message) {
        events.rejected(status);
        next.add(new Next.Refuse(status, message));
    }

    private OutputStream openBackend() throws IOException {
        try {
            backend = SocketChannel.open(handlers);
        } catch (IOException e) {
            LOG.log(Level.FINE, "handlers not reachable", e);
            return null;
        }
        return new BufferedOutputStream(Channels.newOutputStream(backend), 16 * 1024);
    }

    private void startRelay() {
        if (relay == null) {
            relay = Thread.ofVirtual().name("javelin-relay").start(this::relay);
        }
    }

    /** Relays answers and refusals in order, then closes the connection. */
    private void relay() {
        try {
            OutputStream toClient = new BufferedOutputStream(new WriteDeadline(client.getOutputStream(), limits.writeTimeout(),
                    this::writeTimedOut), 16 * 1024);
            HttpInput fromHandlers = backend == null ? null
                    : new HttpInput(Channels.newInputStream(backend), null);
            while (true) {
                Next n = next.poll(1, TimeUnit.DAYS);
                if (n == null || n instanceof Next.End) {
                    return;
                }
                if (n instanceof Next.Refuse r) {
                    writeRefusal(toClient, r.status(), r.message());
                    return;
                }
                Next.Answer a = (Next.Answer) n;
                boolean keep = ResponseRelay.relay(fromHandlers, toClient, a.head());
                if (unanswered.decrementAndGet() == 0) {
                    state.compareAndSet(AWAITING, System.nanoTime());
                }
                if (!keep || a.close()) {
                    return;
                }
            }
        } catch (ResponseRelay.NoAnswerException e) {
            Next.Refuse refusal = bodyRefusal;
            if (refusal != null) {
                try {
                    writeRefusal(new BufferedOutputStream(client.getOutputStream()), refusal.status(), refusal.message());
                } catch (IOException ignored) {
                    LOG.log(Level.FINE, "the client left before its refusal", ignored);
                }
            }
        } catch (IOException | HttpFramingException e) {
            LOG.log(Level.FINE, "relay ended", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            close();
        }
    }

    /** The client has not taken an answer's bytes for the write timeout: it is not reading. */
    private void writeTimedOut() {
        events.timedOut("write");
        close();
    }

    private static void writeRefusal(OutputStream out, int status, String message) throws IOException {
        byte[] body = ("{\"error\":\"" + message.replace("\\", "\\\\").replace("\"", "\\\"")
                + "\",\"error_type\":\"Validation\"}").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + ' ' + reason(status) + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    private static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 408 -> "Request Timeout";
            case 414 -> "URI Too Long";
            case 431 -> "Request Header Fields Too Large";
            case 501 -> "Not Implemented";
            case 503 -> "Service Unavailable";
            case 505 -> "HTTP Version Not Supported";
            default -> "Error";
        };
    }

    private void shutdownBackendOutput() {
        SocketChannel b = backend;
        if (b != null) {
            try {
                b.shutdownOutput();
            } catch (IOException e) {
                LOG.log(Level.FINE, "could not half-close", e);
            }
        }
    }

    private void closeBackend() {
        SocketChannel b = backend;
        if (b != null) {
            try {
                b.close();
            } catch (IOException e) {
                LOG.log(Level.FINE, "close failed", e);
            }
        }
    }

    /**
     * Ends both directions of the hop to the handlers without closing it: the relay, waiting for an
     * answer, reads end of stream at once and the handlers see their request cut.
     */
    private void cutBackend() {
        try {
            backend.shutdownInput();
            backend.shutdownOutput();
        } catch (IOException e) {
            LOG.log(Level.FINE, "could not cut the hop to the handlers", e);
        }
    }

    /** Drops the connection and its hop to the handlers mid-request. */
    private void abort() {
        next.add(new Next.End());
        close();
    }

    /** Moves to waiting for a request ({@code value}: since when, or {@link #AWAITING}); false once evicted. */
    private boolean markWaiting(long value) {
        while (true) {
            long current = state.get();
            if (current == EVICTED) {
                return false;
            }
            if (state.compareAndSet(current, value)) {
                return true;
            }
        }
    }

    /** Since when the connection has waited for a request with nothing to answer; {@link Long#MAX_VALUE} when busy. */
    long idleSince() {
        long since = state.get();
        return since == READING || since == AWAITING || since == EVICTED ? Long.MAX_VALUE : since;
    }

    /** Closes the connection if it still waits, since {@code since}, for a request with nothing to answer. */
    boolean evictIfIdle(long since) {
        if (since == Long.MAX_VALUE || !state.compareAndSet(since, EVICTED)) {
            return false;
        }
        close();
        return true;
    }

    /** Closes the connection unless a request is being answered (server shutdown: those finish first). */
    void closeIfIdle() {
        if (unanswered.get() == 0) {
            close();
        }
    }

    /** Closes the client socket and the hop to the handlers; once. */
    void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            client.close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "close failed", e);
        }
        closeBackend();
        events.connectionClosed();
        onClose.accept(this);
    }
}
