package dev.javelin.server.edge;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Copies one answer of the HTTP handlers to the client, finding where it ends as RFC 9112 §6.3 says:
 * interim 1xx answers pass through first; a 204's and a 304's answer have no body; otherwise a
 * chunked body, a Content-Length, or the end of the stream. The answer to a HEAD request (which the
 * handlers were asked as GET) goes without its body.
 */
final class ResponseRelay {
    private static final int MAX_LINE = 16 * 1024;
    /** Compiled once: String.matches would compile it for every answer relayed. */
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] [0-9]{3}( .*)?");

    private ResponseRelay() {
    }

    /**
     * Relays the next answer.
     *
     * @return whether the connection may stay open after it
     */
    static boolean relay(HttpInput from, OutputStream to, boolean headRequest) throws IOException, HttpFramingException {
        while (true) {
            byte[] statusLine = from.readLine(MAX_LINE, 502);
            if (statusLine == null) {
                throw new NoAnswerException();
            }
            String status = new String(statusLine, StandardCharsets.US_ASCII);
            if (!STATUS_LINE.matcher(status).matches()) {
                throw new IOException("the handlers answered with a malformed status line");
            }
            int code = Integer.parseInt(status.substring(9, 12));
            to.write(statusLine);
            crlf(to);
            long length = -2;
            boolean chunked = false;
            boolean close = false;
            while (true) {
                byte[] line = from.readLine(MAX_LINE, 502);
                if (line == null) {
                    throw new IOException("the handlers closed the connection inside an answer's head");
                }
                to.write(line);
                crlf(to);
                if (line.length == 0) {
                    break;
                }
                String[] field = HttpSyntax.field(line);
                switch (field[0].toLowerCase(Locale.ROOT)) {
                    case "content-length" -> length = Long.parseLong(field[1].strip());
                    case "transfer-encoding" -> chunked = field[1].toLowerCase(Locale.ROOT).endsWith("chunked");
                    case "connection" -> close = field[1].toLowerCase(Locale.ROOT).contains("close");
                    default -> { }
                }
            }
            if (code >= 100 && code < 200) {
                to.flush();
                continue;
            }
            // A HEAD request was asked as GET: its body is read and dropped.
            OutputStream body = headRequest ? OutputStream.nullOutputStream() : to;
            if (code == 204 || code == 304) {
                // no body
            } else if (chunked) {
                from.copyChunked(body);
            } else if (length >= 0) {
                from.copy(length, body);
            } else {
                from.copyToEnd(body);
                close = true;
            }
            to.flush();
            return !close;
        }
    }

    /** The handlers closed their connection before starting an answer. */
    static final class NoAnswerException extends IOException {
        NoAnswerException() {
            super("the handlers closed the connection before answering");
        }
    }

    private static void crlf(OutputStream to) throws IOException {
        to.write('\r');
        to.write('\n');
    }
}
