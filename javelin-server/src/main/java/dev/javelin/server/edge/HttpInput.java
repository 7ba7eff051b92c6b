package dev.javelin.server.edge;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * Buffered reading of one side of an HTTP/1.1 connection: lines that must end in CRLF, and bodies framed
 * by length or by chunks. Reads on a {@link Socket} stop at the current deadline with a
 * {@link SocketTimeoutException}; a stream without a socket has no deadline.
 */
final class HttpInput {
    private static final int MAX_CHUNK_LINE = 4096;

    private final InputStream in;
    private final Socket socket;
    private final byte[] buf = new byte[16 * 1024];
    private int pos;
    private int end;
    private long deadlineNanos = Long.MAX_VALUE;

    HttpInput(InputStream in, Socket socket) {
        this.in = in;
        this.socket = socket;
    }

    /** Reads from now on must finish by {@code nanos} ({@link System#nanoTime()}). */
    void deadline(long nanos) {
        deadlineNanos = nanos;
    }

    /** Whether bytes are already buffered (a pipelined request). */
    boolean buffered() {
        return pos < end;
    }

    /** Waits for the next byte without consuming it; false at end of stream. */
    boolean awaitByte() throws IOException {
        return fill();
    }

    private boolean fill() throws IOException {
        if (pos < end) {
            return true;
        }
        if (socket != null && deadlineNanos != Long.MAX_VALUE) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("deadline passed");
            }
            socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000)));
        }
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            return false;
        }
        pos = 0;
        end = n;
        return true;
    }

    /**
     * One line without its CRLF, or null at end of stream before any byte of it.
     *
     * @throws HttpFramingException when the line is longer than {@code limit} ({@code tooLongStatus}),
     *                              ends in a bare LF, holds a bare CR or the stream ends inside it
     */
    byte[] readLine(int limit, int tooLongStatus) throws IOException, HttpFramingException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        boolean any = false;
        while (true) {
            if (!fill()) {
                if (!any) {
                    return null;
                }
                throw new HttpFramingException(400, "the connection ended inside a line");
            }
            any = true;
            byte b = buf[pos++];
            if (b == '\r') {
                if (!fill() || buf[pos] != '\n') {
                    throw new HttpFramingException(400, "a CR not followed by LF");
                }
                pos++;
                return line.toByteArray();
            }
            if (b == '\n') {
                throw new HttpFramingException(400, "a line ends in a bare LF instead of CRLF");
            }
            if (line.size() >= limit) {
                throw new HttpFramingException(tooLongStatus, "a line longer than " + limit + " bytes");
            }
            line.write(b);
        }
    }

    /** Copies exactly {@code length} bytes to {@code out}. */
    void copy(long length, OutputStream out) throws IOException, HttpFramingException {
        long left = length;
        while (left > 0) {
            if (!fill()) {
                throw new HttpFramingException(400, "the connection ended " + left + " bytes before the end of the body");
            }
            int n = (int) Math.min(left, end - pos);
            out.write(buf, pos, n);
            pos += n;
            left -= n;
        }
    }

    /** Copies bytes to {@code out} until end of stream. */
    void copyToEnd(OutputStream out) throws IOException {
        while (fill()) {
            out.write(buf, pos, end - pos);
            pos = end;
        }
    }

    /**
     * Copies a chunked body (RFC 9112 §7.1), chunk sizes and trailers included, re-encoding each size
     * line without extensions.
     *
     * @throws HttpFramingException on a chunk size that is not hexadecimal, too large, or data not
     *                              followed by CRLF
     */
    void copyChunked(OutputStream out) throws IOException, HttpFramingException {
        while (true) {
            byte[] sizeLine = readLine(MAX_CHUNK_LINE, 400);
            if (sizeLine == null) {
                throw new HttpFramingException(400, "the connection ended before the last chunk");
            }
            long size = chunkSize(sizeLine);
            out.write((Long.toHexString(size) + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            if (size == 0) {
                break;
            }
            copy(size, out);
            expectCrlf();
            out.write('\r');
            out.write('\n');
        }
        // Trailer fields, then the empty line that ends the body.
        while (true) {
            byte[] trailer = readLine(MAX_CHUNK_LINE, 431);
            if (trailer == null) {
                throw new HttpFramingException(400, "the connection ended inside the chunked trailer");
            }
            if (trailer.length > 0) {
                HttpSyntax.field(trailer);
                out.write(trailer);
            }
            out.write('\r');
            out.write('\n');
            if (trailer.length == 0) {
                return;
            }
        }
    }

    private void expectCrlf() throws IOException, HttpFramingException {
        for (byte expected : new byte[] {'\r', '\n'}) {
            if (!fill() || buf[pos] != expected) {
                throw new HttpFramingException(400, "chunk data not followed by CRLF");
            }
            pos++;
        }
    }

    private static long chunkSize(byte[] line) throws HttpFramingException {
        int i = 0;
        long size = 0;
        while (i < line.length && HttpSyntax.hexDigit(line[i]) >= 0) {
            if (i == 15) {
                throw new HttpFramingException(400, "a chunk size of more than 15 hexadecimal digits");
            }
            size = size * 16 + HttpSyntax.hexDigit(line[i]);
            i++;
        }
        if (i == 0) {
            throw new HttpFramingException(400, "a chunk size that is not hexadecimal");
        }
        // Only chunk extensions may follow the size: `;name[=value]`, skipped.
        while (i < line.length && (line[i] == ' ' || line[i] == '\t')) {
            i++;
        }
        if (i < line.length && line[i] != ';') {
            throw new HttpFramingException(400, "a chunk size that is not hexadecimal");
        }
        for (; i < line.length; i++) {
            if (HttpSyntax.isControl(line[i]) && line[i] != '\t') {
                throw new HttpFramingException(400, "a control character in a chunk extension");
            }
        }
        return size;
    }
}
