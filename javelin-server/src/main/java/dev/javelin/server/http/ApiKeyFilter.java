package dev.javelin.server.http;

import dev.javelin.server.scheduling.ErrorType;
import dev.javelin.server.scheduling.ServerError;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;

/**
 * {@code --api-key}: every route but health, metrics and the API docs requires
 * {@code Authorization: Bearer <key>}, as in TEI; CORS preflights pass (browsers send them without
 * credentials).
 */
final class ApiKeyFilter implements Filter {
    private static final Set<String> PUBLIC_GETS =
            Set.of("/health", "/", "/ping", "/metrics", "/openapi.json", "/api-doc/openapi.json", "/docs");

    private final byte[] expected;

    ApiKeyFilter(String apiKey) {
        this.expected = ("Bearer " + apiKey).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (isPublic(req) || authorized(req)) {
            chain.proceed();
            return;
        }
        ServerError error = new ServerError(ErrorType.VALIDATION,
                "missing or wrong API key: send `Authorization: Bearer <key>`");
        res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
        JsonHttp.send(res, 401, InferenceRoute.TEI_ERRORS.apply(error));
    }

    private static boolean isPublic(RoutingRequest req) {
        Method method = req.prologue().method();
        String path = req.path().path();
        return method == Method.OPTIONS
                || method == Method.GET && (PUBLIC_GETS.contains(path) || path.startsWith("/docs/"));
    }

    private boolean authorized(RoutingRequest req) {
        return req.headers().first(HeaderNames.AUTHORIZATION)
                .map(value -> MessageDigest.isEqual(expected, value.getBytes(StandardCharsets.UTF_8)))
                .orElse(false);
    }
}
