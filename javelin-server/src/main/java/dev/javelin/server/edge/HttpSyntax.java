package dev.javelin.server.edge;

import java.nio.charset.StandardCharsets;

/** The character classes of HTTP/1.1's grammar (RFC 9110 §5.6, RFC 9112). */
final class HttpSyntax {
    private static final boolean[] TCHAR = new boolean[128];

    static {
        for (char c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[Character.toUpperCase(c)] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    private HttpSyntax() {
    }

    static boolean isToken(byte[] bytes, int from, int to) {
        if (from >= to) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (bytes[i] < 0 || !TCHAR[bytes[i]]) {
                return false;
            }
        }
        return true;
    }

    static boolean isControl(byte b) {
        return (b >= 0 && b < 0x20) || b == 0x7f;
    }

    static int hexDigit(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1;
    }

    /**
     * Splits a field line into name and value (RFC 9112 §5): the name a token directly followed by ':',
     * the value without surrounding white space and free of control characters but tab.
     *
     * @throws HttpFramingException naming the rule the line breaks
     */
    static String[] field(byte[] line) throws HttpFramingException {
        if (line[0] == ' ' || line[0] == '\t') {
            throw new HttpFramingException(400, "a folded header line (obsolete line folding is not accepted)");
        }
        int colon = 0;
        while (colon < line.length && line[colon] != ':') {
            colon++;
        }
        if (colon == line.length) {
            throw new HttpFramingException(400, "a header line without ':'");
        }
        if (!isToken(line, 0, colon)) {
            throw new HttpFramingException(400, "a header name that is not a token (no white space before ':')");
        }
        int from = colon + 1;
        int to = line.length;
        while (from < to && (line[from] == ' ' || line[from] == '\t')) {
            from++;
        }
        while (to > from && (line[to - 1] == ' ' || line[to - 1] == '\t')) {
            to--;
        }
        for (int i = from; i < to; i++) {
            if (isControl(line[i]) && line[i] != '\t') {
                throw new HttpFramingException(400, "a control character in the value of header "
                        + new String(line, 0, colon, StandardCharsets.US_ASCII));
            }
        }
        return new String[] {new String(line, 0, colon, StandardCharsets.US_ASCII),
                new String(line, from, to - from, StandardCharsets.ISO_8859_1)};
    }
}
