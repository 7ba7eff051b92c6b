package dev.javelin.server.edge;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A request line and header section read and checked as RFC 9112 says a server must (or may, choosing
 * the strict side): every rule broken is a {@link HttpFramingException}, answered with its status
 * before the request reaches a handler. {@link #encode} gives the request as HTTP/1.1 with only the
 * framing headers that were checked.
 *
 * @param method    the method, a token
 * @param target    the request target, visible ASCII
 * @param http10    whether the client spoke HTTP/1.0 (answered, then the connection closed)
 * @param fields    header fields but the hop-by-hop ones this layer handles itself
 * @param length    the body's length; -1 when chunked
 * @param close     whether the connection closes after the answer
 */
record RequestHead(String method, String target, boolean http10, List<String[]> fields, long length,
                   boolean close) {
    static final int MAX_REQUEST_LINE = 8 * 1024;
    static final int MAX_FIELD_LINE = 8 * 1024;
    static final int MAX_FIELDS = 100;

    boolean chunked() {
        return length < 0;
    }

    /** Reads the request line; null at end of stream before it. Up to two empty lines before it are skipped. */
    static byte[] readRequestLine(HttpInput in) throws IOException, HttpFramingException {
        for (int i = 0; i < 3; i++) {
            byte[] line = in.readLine(MAX_REQUEST_LINE, 414);
            if (line == null || line.length > 0) {
                return line;
            }
        }
        throw new HttpFramingException(400, "empty lines instead of a request line");
    }

    /** Parses {@code requestLine} and reads the header section after it. */
    static RequestHead read(byte[] requestLine, HttpInput in) throws IOException, HttpFramingException {
        String[] parts = requestLine(requestLine);
        boolean http10 = parts[2].equals("HTTP/1.0");
        List<String[]> fields = new ArrayList<>();
        String contentLength = null;
        String transferEncoding = null;
        int hosts = 0;
        boolean close = http10;
        while (true) {
            byte[] line = in.readLine(MAX_FIELD_LINE, 431);
            if (line == null) {
                throw new HttpFramingException(400, "the connection ended inside the header section");
            }
            if (line.length == 0) {
                break;
            }
            if (fields.size() == MAX_FIELDS) {
                throw new HttpFramingException(431, "more than " + MAX_FIELDS + " header fields");
            }
            String[] field = HttpSyntax.field(line);
            switch (field[0].toLowerCase(Locale.ROOT)) {
                case "content-length" -> {
                    if (contentLength != null) {
                        throw new HttpFramingException(400, "more than one Content-Length header");
                    }
                    contentLength = field[1];
                }
                case "transfer-encoding" -> {
                    if (transferEncoding != null) {
                        throw new HttpFramingException(400, "more than one Transfer-Encoding header");
                    }
                    transferEncoding = field[1];
                }
                case "connection" -> close |= hasToken(field[1], "close");
                case "host" -> {
                    hosts++;
                    fields.add(field);
                }
                // This layer frames and closes connections itself, and no route upgrades one.
                case "keep-alive", "upgrade", "http2-settings", "te", "proxy-connection" -> { }
                default -> fields.add(field);
            }
        }
        if (!http10 && hosts != 1) {
            throw new HttpFramingException(400, hosts == 0 ? "no Host header" : "more than one Host header");
        }
        if (hosts > 1) {
            throw new HttpFramingException(400, "more than one Host header");
        }
        long length = 0;
        if (transferEncoding != null) {
            if (contentLength != null) {
                // RFC 9112 §6.1: a request with both is a smuggling attempt or a broken client.
                throw new HttpFramingException(400, "both Transfer-Encoding and Content-Length");
            }
            if (http10) {
                throw new HttpFramingException(400, "Transfer-Encoding in an HTTP/1.0 request");
            }
            if (!transferEncoding.equalsIgnoreCase("chunked")) {
                throw new HttpFramingException(501, "Transfer-Encoding '" + printable(transferEncoding)
                        + "'; only chunked is supported");
            }
            length = -1;
        } else if (contentLength != null) {
            length = contentLength(contentLength);
        }
        return new RequestHead(parts[0], parts[1], http10, List.copyOf(fields), length, close);
    }

    private static String[] requestLine(byte[] line) throws HttpFramingException {
        int sp1 = indexOf(line, 0);
        int sp2 = sp1 < 0 ? -1 : indexOf(line, sp1 + 1);
        if (sp1 < 0 || sp2 < 0 || indexOf(line, sp2 + 1) >= 0) {
            throw new HttpFramingException(400, "a request line that is not 'METHOD TARGET HTTP/x.y'");
        }
        if (!HttpSyntax.isToken(line, 0, sp1)) {
            throw new HttpFramingException(400, "a method that is not a token");
        }
        for (int i = sp1 + 1; i < sp2; i++) {
            if (line[i] <= 0x20 || line[i] >= 0x7f) {
                throw new HttpFramingException(400, "a request target with a character that is not visible ASCII");
            }
        }
        if (sp2 == sp1 + 1) {
            throw new HttpFramingException(400, "an empty request target");
        }
        String version = new String(line, sp2 + 1, line.length - sp2 - 1, StandardCharsets.US_ASCII);
        if (!version.matches("HTTP/[0-9]\\.[0-9]")) {
            throw new HttpFramingException(400, "a malformed HTTP version");
        }
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            throw new HttpFramingException(505, version + " is not supported; use HTTP/1.1");
        }
        return new String[] {new String(line, 0, sp1, StandardCharsets.US_ASCII),
                new String(line, sp1 + 1, sp2 - sp1 - 1, StandardCharsets.US_ASCII), version};
    }

    private static int indexOf(byte[] line, int from) {
        for (int i = from; i < line.length; i++) {
            if (line[i] == ' ') {
                return i;
            }
        }
        return -1;
    }

    private static long contentLength(String value) throws HttpFramingException {
        if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new HttpFramingException(400, "Content-Length '" + printable(value) + "' is not a decimal length");
        }
        return Long.parseLong(value);
    }

    private static boolean hasToken(String value, String token) {
        for (String t : value.split(",")) {
            if (t.strip().equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }

    private static String printable(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }

    /**
     * The request as HTTP/1.1 for the handlers: its checked framing, Connection: close when it closes,
     * and HEAD asked as GET.
     */
    byte[] encode(String localHost) {
        StringBuilder sb = new StringBuilder(256);
        // HEAD is GET without the body (RFC 9110 §9.3.2): the handlers answer GET and the relay drops the body.
        sb.append(method.equals("HEAD") ? "GET" : method).append(' ').append(target).append(" HTTP/1.1\r\n");
        boolean host = false;
        for (String[] f : fields) {
            host |= f[0].equalsIgnoreCase("host");
            sb.append(f[0]).append(": ").append(f[1]).append("\r\n");
        }
        if (!host) {
            sb.append("Host: ").append(localHost).append("\r\n");
        }
        if (chunked()) {
            sb.append("Transfer-Encoding: chunked\r\n");
        } else if (length > 0 || !method.equals("GET") && !method.equals("HEAD")) {
            sb.append("Content-Length: ").append(length).append("\r\n");
        }
        if (close) {
            sb.append("Connection: close\r\n");
        }
        sb.append("\r\n");
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
