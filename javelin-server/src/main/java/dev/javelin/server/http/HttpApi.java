package dev.javelin.server.http;

import dev.javelin.server.ServerConfig;
import dev.javelin.server.scheduling.ServerMetrics;
import io.helidon.webserver.cors.CorsSupport;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http1.Http1Config;
import java.util.concurrent.CompletableFuture;

/** The HTTP face of the server: TEI's routes, OpenAI's, the API docs, CORS and the API key, on one model slot. */
public final class HttpApi {
    private HttpApi() {
    }

    /**
     * @param shutdown completes when the server shuts down: connections idling after an answer stop
     *                 waiting for the client's next request
     */
    public static HttpRouting.Builder routing(ServerConfig config, ModelSlot model, ServerMetrics metrics,
                                              CompletableFuture<Void> shutdown) {
        HttpRouting.Builder routing = HttpRouting.builder();
        routing.register(cors(config));
        if (config.apiKey() != null) {
            routing.addFilter(new ApiKeyFilter(config.apiKey()));
        }
        routing.register(new TeiRoutes(model, config, metrics, shutdown), new OpenAiRoutes(model, config, metrics, shutdown),
                new ApiDocs());
        return routing;
    }

    /** HTTP/1.1, with each request's connection made known to its handler (to notice clients that leave). */
    public static Http1Config protocol() {
        return Http1Config.builder().addReceiveListener(new ConnectionTracker()).build();
    }

    private static CorsSupport cors(ServerConfig config) {
        CorsSupport.Builder cors = CorsSupport.builder()
                .allowMethods("GET", "POST")
                .allowHeaders("content-type", "authorization");
        if (!config.corsAllowOrigin().isEmpty() && !config.corsAllowOrigin().contains("*")) {
            cors.allowOrigins(config.corsAllowOrigin().toArray(String[]::new));
        }
        return cors.build();
    }
}
