package dev.javelin.io.source;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The few Hub HTTP calls a download needs, shaped as {@code huggingface_hub} makes them: the
 * revision API ({@code GET /api/models/{id}/revision/{rev}}), file metadata
 * ({@code HEAD /{id}/resolve/{commit}/{file}} without following the redirect to the CDN, whose
 * 302 carries {@code X-Linked-Etag}/{@code X-Linked-Size}), and ranged downloads. The token is
 * sent to the endpoint's host only, never to the CDN a download is redirected to.
 */
final class HubClient {

    /** What the revision API says: the commit the revision resolves to and the repository's files. */
    record Revision(String commit, List<String> files) {}

    /**
     * One file's metadata.
     *
     * @param etag     the blob's name in the cache: sha256 for LFS files, the git blob id otherwise
     * @param lfs      whether {@code etag} is the content's sha256 (from {@code X-Linked-Etag})
     * @param size     bytes, or -1 when the Hub did not say
     * @param location where the bytes are served (the CDN for LFS files)
     */
    record FileMetadata(String etag, boolean lfs, long size, URI location) {}

    private static final int MAX_REDIRECTS = 5;
    /** The revision API lists every file; even huge repos answer in a few MB. */
    private static final int MAX_API_BYTES = 64 << 20;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final HfEnvironment env;
    private final HttpClient http;
    private final String endpointHost;

    HubClient(HfEnvironment env, HttpClient http) {
        this.env = env;
        this.http = http;
        this.endpointHost = URI.create(env.endpoint()).getAuthority();
    }

    static HttpClient defaultHttpClient() {
        return HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(15))
                .followRedirects(HttpClient.Redirect.NEVER) // followed by hand, to keep the token off other hosts
                .build();
    }

    Revision revision(HubModelId id) throws IOException {
        URI uri = URI.create(env.endpoint() + "/api/models/" + id.repoId() + "/revision/" + encode(id.revision(), false));
        HttpResponse<InputStream> r = send(request(uri).GET().build(), id, null);
        byte[] body;
        try (InputStream in = r.body()) {
            body = in.readNBytes(MAX_API_BYTES + 1);
        }
        if (body.length > MAX_API_BYTES) throw new IOException(uri + " answered with more than " + MAX_API_BYTES + " bytes");
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(body);
        } catch (JsonProcessingException e) {
            throw new IOException(uri + " did not answer with JSON: " + e.getOriginalMessage());
        }
        String sha = json.path("sha").asText("");
        if (!sha.matches("[0-9a-f]{40}")) throw new IOException(uri + " answered without a commit sha");
        List<String> files = new ArrayList<>();
        for (JsonNode sibling : json.path("siblings")) {
            String name = sibling.path("rfilename").asText("");
            if (!name.isEmpty()) files.add(name);
        }
        return new Revision(sha, files);
    }

    FileMetadata metadata(HubModelId id, String commit, String file) throws IOException {
        URI uri = resolveUri(id, commit, file);
        HttpResponse<InputStream> r = null;
        for (int i = 0; i <= MAX_REDIRECTS; i++) {
            r = send(request(uri).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), id, file);
            r.body().close();
            Optional<String> location = r.headers().firstValue("Location");
            // Relative redirects stay on the Hub (a renamed repository); absolute ones go to the CDN.
            if (!isRedirect(r.statusCode()) || location.isEmpty() || URI.create(location.get()).isAbsolute()) break;
            uri = uri.resolve(location.get());
        }
        Objects.requireNonNull(r);
        String linked = r.headers().firstValue("X-Linked-Etag").orElse(null);
        String etag = normalizeEtag(linked != null ? linked : r.headers().firstValue("ETag").orElse(""));
        if (!etag.matches("[0-9A-Za-z_.-]{1,128}")) {
            throw new IOException(uri + " sent no usable ETag for " + file + " (\"" + etag + "\")");
        }
        long size = r.headers().firstValueAsLong(linked != null ? "X-Linked-Size" : "Content-Length").orElse(-1);
        URI location = isRedirect(r.statusCode()) ? r.headers().firstValue("Location").map(uri::resolve).orElse(uri) : uri;
        return new FileMetadata(etag, linked != null && etag.matches("[0-9a-f]{64}"), size, location);
    }

    /** GETs {@code uri} from byte {@code from} on (a Range request when resuming), following redirects. */
    HttpResponse<InputStream> download(HubModelId id, String file, URI uri, long from) throws IOException {
        for (int i = 0; i <= MAX_REDIRECTS; i++) {
            HttpRequest.Builder b = request(uri).GET();
            if (from > 0) b.header("Range", "bytes=" + from + "-");
            HttpResponse<InputStream> r = send(b.build(), id, file);
            Optional<String> location = r.headers().firstValue("Location");
            if (!isRedirect(r.statusCode()) || location.isEmpty()) return r;
            r.body().close();
            uri = uri.resolve(location.get());
        }
        throw new IOException("too many redirects downloading " + file + " of " + id);
    }

    URI resolveUri(HubModelId id, String commit, String file) {
        return URI.create(env.endpoint() + "/" + id.repoId() + "/resolve/" + encode(commit, false) + "/" + encode(file, true));
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).header("User-Agent", "javelin/0.1");
        if (env.token().isPresent() && endpointHost != null && endpointHost.equalsIgnoreCase(uri.getAuthority())) {
            b.header("Authorization", "Bearer " + env.token().get());
        }
        return b;
    }

    /** Sends, and turns transport failures and error statuses into messages that say what to do. */
    private HttpResponse<InputStream> send(HttpRequest request, HubModelId id, String file) throws IOException {
        HttpResponse<InputStream> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (ConnectException e) {
            throw new IOException("cannot connect to " + request.uri().getAuthority() + " (" + e + "); for the cache only, set HF_HUB_OFFLINE=1", e);
        } catch (HttpTimeoutException e) {
            throw new IOException(request.uri() + " did not answer within " + REQUEST_TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while contacting " + request.uri().getAuthority(), e);
        }
        int status = r.statusCode();
        if (status < 400) return r;
        String body;
        try (InputStream in = r.body()) {
            body = new String(in.readNBytes(500), StandardCharsets.UTF_8).strip();
        }
        String code = r.headers().firstValue("X-Error-Code").orElse("");
        String detail = r.headers().firstValue("X-Error-Message").orElse(body.isEmpty() ? "HTTP " + status : body);
        String what = file == null ? String.valueOf(id) : file + " of " + id;
        String hint = switch (status) {
            case 401 -> (code.equals("RepoNotFound") ? "no such model on " + env.endpoint() + " (and no local directory of that name), or " : "")
                    + (env.token().isPresent() ? "the token was rejected" : "it may be private or gated: set HF_TOKEN");
            case 403 -> "the token has no access to it (gated models need their terms accepted on the Hub)";
            case 404 -> switch (code) {
                case "RevisionNotFound" -> "no revision \"" + id.revision() + "\"";
                case "EntryNotFound" -> "no such file at that revision";
                default -> "no such model on " + env.endpoint() + " (and no local directory of that name)";
            };
            case 429 -> "rate limited; try again later";
            default -> "HTTP " + status;
        };
        throw new HubException(status, "Hub: " + what + ": " + hint + " [" + status + (code.isEmpty() ? "" : " " + code)
                + ": " + detail.replaceAll("\\s+", " ") + "]");
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    /** huggingface_hub's normalization: drop a weak marker and the quotes. */
    static String normalizeEtag(String etag) {
        String e = etag.strip();
        if (e.startsWith("W/")) e = e.substring(2);
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) e = e.substring(1, e.length() - 1);
        return e;
    }

    /** Percent-encodes as Python's {@code urllib.parse.quote}: unreserved characters stay, '/' stays if asked. */
    static String encode(String s, boolean keepSlash) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_'
                    || c == '~' || keepSlash && c == '/') {
                sb.append((char) c);
            } else {
                sb.append('%').append(String.format(Locale.ROOT, "%02X", c));
            }
        }
        return sb.toString();
    }
}
