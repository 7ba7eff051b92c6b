package dev.javelin.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Bytes to a loopback port on a raw socket, for requests no HTTP client would send. */
final class RawHttp {
    /**
     * What came back: every byte read, and whether the server closed the connection within the wait.
     *
     * @param text   the bytes read, as ISO-8859-1
     * @param closed whether the server closed (or reset) the connection
     */
    record Reply(String text, boolean closed) {
        /** The status codes of the answers, in order. */
        java.util.List<Integer> statuses() {
            return java.util.regex.Pattern.compile("HTTP/1\\.1 (\\d{3}) ").matcher(text).results()
                    .map(m -> Integer.parseInt(m.group(1))).toList();
        }
    }

    private RawHttp() {
    }

    /** Sends {@code request} on a new connection and reads until the server closes it or {@code wait} passes. */
    static Reply exchange(int port, String request, Duration wait) {
        try (Socket s = connect(port)) {
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            return read(s, wait);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        return s;
    }

    /** Reads until the server closes the connection or {@code wait} passes. */
    static Reply read(Socket s, Duration wait) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + wait.toNanos();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[8192];
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return new Reply(out.toString(StandardCharsets.ISO_8859_1), false);
            }
            s.setSoTimeout((int) left);
            int n;
            try {
                n = in.read(buf);
            } catch (SocketTimeoutException e) {
                return new Reply(out.toString(StandardCharsets.ISO_8859_1), false);
            } catch (SocketException e) {
                return new Reply(out.toString(StandardCharsets.ISO_8859_1), true);
            }
            if (n < 0) {
                return new Reply(out.toString(StandardCharsets.ISO_8859_1), true);
            }
            out.write(buf, 0, n);
        }
    }
}
