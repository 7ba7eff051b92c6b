package dev.javelin.server.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.staticcontent.ClasspathHandlerConfig;
import io.helidon.webserver.staticcontent.StaticContentFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The OpenAPI description of the API at {@code /openapi.json} (and TEI's {@code /api-doc/openapi.json})
 * and a Swagger UI page over it at {@code /docs} (also {@code /docs/}, which browsers and users type as often).
 */
final class ApiDocs implements HttpService {
    private final byte[] openApi = resource("openapi.json");
    private final byte[] page = resource("docs.html");
    private final String swaggerUiRoot;

    ApiDocs() {
        Properties swaggerUi = new Properties();
        try (InputStream in = ApiDocs.class.getResourceAsStream("swagger-ui.properties")) {
            swaggerUi.load(in);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("swagger-ui.properties is missing from the server's resources", e);
        }
        swaggerUiRoot = "META-INF/resources/webjars/swagger-ui/" + swaggerUi.getProperty("version");
    }

    private static byte[] resource(String name) {
        try (InputStream in = ApiDocs.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the server's resources");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/openapi.json", this::openApi)
                .get("/api-doc/openapi.json", this::openApi)
                .get("/docs", this::page)
                .get("/docs/", this::page)
                .register("/docs", StaticContentFeature.createService(ClasspathHandlerConfig.builder().location(swaggerUiRoot).build()));
    }

    private void openApi(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(openApi);
    }

    private void page(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        res.send(page);
    }
}
