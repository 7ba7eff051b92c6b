package dev.javelin.io.source;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback server with the Hub's URL layout and headers: the revision API, {@code resolve} URLs
 * answering non-LFS files directly (ETag = git blob id) and LFS files ({@code .safetensors}) with a
 * 302 to a "CDN" on another host name ({@code localhost} instead of {@code 127.0.0.1}) carrying
 * {@code X-Linked-Etag} (sha256) and {@code X-Linked-Size}; the CDN honours Range requests.
 * Knobs let tests corrupt a file, stall a body, or require a token.
 */
final class FakeHub implements AutoCloseable {

    /** What a client asked for: method, path, and the headers the tests check. */
    record Request(String method, String path, String range, String authorization) {}

    static final String REPO = "acme/tiny-bert";
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    private static final Pattern API = Pattern.compile("/api/models/([^/]+/[^/]+)/revision/([^/]+)");
    private static final Pattern RESOLVE = Pattern.compile("/([^/]+/[^/]+)/resolve/([^/]+)/(.+)");
    private static final Pattern CDN = Pattern.compile("/cdn/([0-9a-f]{64})");

    final Map<String, byte[]> files = new TreeMap<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();
    volatile String requiredToken;
    volatile String corruptFile;
    /** Bytes of a CDN body to send before going silent (a dead connection), or -1. */
    volatile long stallAfter = -1;

    private final WebServer server;

    FakeHub() {
        server = WebServer.builder().host("127.0.0.1").port(0)
                .routing(r -> r.any(this::handle))
                .build()
                .start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.port();
    }

    List<Request> requests(String pathPrefix) {
        return requests.stream().filter(r -> r.path().startsWith(pathPrefix)).toList();
    }

    @Override
    public void close() {
        server.stop();
    }

    static String sha256(byte[] data) {
        return HexFormat.of().formatHex(digest("SHA-256", data));
    }

    /** Git's blob id, which the Hub sends as the ETag of non-LFS files. */
    static String gitBlobId(byte[] data) {
        byte[] head = ("blob " + data.length + "\0").getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[head.length + data.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(data, 0, all, head.length, data.length);
        return HexFormat.of().formatHex(digest("SHA-1", all));
    }

    private static byte[] digest(String algorithm, byte[] data) {
        try {
            return MessageDigest.getInstance(algorithm).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean isLfs(String file) {
        return file.endsWith(".safetensors") || file.endsWith(".bin") || file.endsWith(".onnx");
    }

    private void handle(ServerRequest req, ServerResponse res) throws IOException {
        String path = req.path().path();
        String auth = req.headers().first(HeaderNames.AUTHORIZATION).orElse(null);
        requests.add(new Request(req.prologue().method().text(), path, req.headers().first(HeaderNames.RANGE).orElse(null), auth));
        Matcher m;
        if ((m = CDN.matcher(path)).matches()) {
            cdn(m.group(1), req, res);
            return;
        }
        boolean api = (m = API.matcher(path)).matches();
        if (!api && !(m = RESOLVE.matcher(path)).matches()) {
            error(res, Status.NOT_FOUND_404, "", "not a Hub URL");
            return;
        }
        if (!m.group(1).equals(REPO)) {
            error(res, Status.UNAUTHORIZED_401, "RepoNotFound", "Repository not found");
            return;
        }
        if (requiredToken != null && !("Bearer " + requiredToken).equals(auth)) {
            error(res, Status.UNAUTHORIZED_401, "GatedRepo", "Access to model " + REPO + " is restricted.");
            return;
        }
        if (!m.group(2).equals("main") && !m.group(2).equals(COMMIT)) {
            error(res, Status.NOT_FOUND_404, "RevisionNotFound", "Invalid rev id: " + m.group(2));
            return;
        }
        if (api) {
            StringBuilder json = new StringBuilder("{\"_id\":\"x\",\"id\":\"" + REPO + "\",\"private\":false,\"sha\":\"" + COMMIT + "\",\"siblings\":[");
            String sep = "";
            for (String f : files.keySet()) {
                json.append(sep).append("{\"rfilename\":\"").append(f).append("\"}");
                sep = ",";
            }
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send(json.append("]}").toString().getBytes(StandardCharsets.UTF_8));
            return;
        }
        String file = m.group(3);
        byte[] data = files.get(file);
        if (data == null) {
            error(res, Status.NOT_FOUND_404, "EntryNotFound", file + " does not exist on \"main\"");
            return;
        }
        res.header("X-Repo-Commit", COMMIT);
        if (isLfs(file)) {
            res.header("X-Linked-Etag", "\"" + sha256(data) + "\"");
            res.header("X-Linked-Size", String.valueOf(data.length));
            res.header(HeaderNames.ETAG, "\"" + gitBlobId(data) + "\"");
            res.header(HeaderNames.LOCATION, "http://localhost:" + server.port() + "/cdn/" + sha256(data));
            res.status(Status.FOUND_302);
            res.send();
            return;
        }
        res.header(HeaderNames.ETAG, "\"" + gitBlobId(data) + "\"");
        if (file.equals(corruptFile)) {
            data = data.clone();
            data[data.length / 2] ^= 1;
        }
        body(req, res, data, 0);
    }

    private void cdn(String sha, ServerRequest req, ServerResponse res) throws IOException {
        Optional<Map.Entry<String, byte[]>> entry = files.entrySet().stream().filter(e -> sha256(e.getValue()).equals(sha)).findFirst();
        if (entry.isEmpty()) {
            error(res, Status.NOT_FOUND_404, "", "no such object");
            return;
        }
        byte[] data = entry.get().getValue().clone();
        if (entry.get().getKey().equals(corruptFile)) data[data.length / 2] ^= 1;
        long from = req.headers().first(HeaderNames.RANGE).map(r -> Long.parseLong(r.replaceAll("bytes=(\\d+)-", "$1"))).orElse(0L);
        if (from > 0) {
            res.status(Status.PARTIAL_CONTENT_206);
            res.header(HeaderNames.CONTENT_RANGE, "bytes " + from + "-" + (data.length - 1) + "/" + data.length);
        }
        body(req, res, data, (int) from);
    }

    private void body(ServerRequest req, ServerResponse res, byte[] data, int from) throws IOException {
        res.header(HeaderNames.CONTENT_LENGTH, String.valueOf(data.length - from));
        if (req.prologue().method() == Method.HEAD) {
            res.send();
            return;
        }
        long stall = stallAfter;
        if (stall < 0) {
            res.send(java.util.Arrays.copyOfRange(data, from, data.length));
            return;
        }
        try (OutputStream out = res.outputStream()) {
            out.write(data, from, (int) Math.min(stall, data.length - from));
            out.flush();
            Thread.sleep(3_000); // longer than the client's 1 s stall timeout
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void error(ServerResponse res, Status status, String code, String message) {
        if (!code.isEmpty()) res.header("X-Error-Code", code);
        res.header("X-Error-Message", message);
        res.status(status);
        res.send(("{\"error\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8));
    }
}
