package dev.javelin.server.http;

import dev.javelin.server.scheduling.ErrorType;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRoute;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Registers services so that a known path asked with a method it does not serve gets 405 with
 * {@code Allow} (RFC 9110 §15.5.6), not 404: the methods of each path are recorded as the services
 * register their routes, then each path gets a last route answering every other method.
 */
final class MethodNotAllowed implements HttpRules {
    private final HttpRules rules;
    private final Map<String, Set<String>> allowed = new LinkedHashMap<>();

    private MethodNotAllowed(HttpRules rules) {
        this.rules = rules;
    }

    static void register(HttpRouting.Builder routing, HttpService... services) {
        MethodNotAllowed recorder = new MethodNotAllowed(routing);
        for (HttpService service : services) {
            service.routing(recorder);
        }
        recorder.allowed.forEach((path, methods) -> routing.any(path, refusal(path, String.join(", ", methods))));
    }

    private static Handler refusal(String path, String allow) {
        return (req, res) -> {
            res.header(HeaderNames.ALLOW, allow);
            JsonHttp.send(res, 405, Map.of("error", req.prologue().method().text() + " is not allowed on " + path
                    + "; allowed: " + allow, "error_type", ErrorType.VALIDATION.wireName()));
        };
    }

    @Override
    public HttpRules route(Method method, String pathPattern, Handler handler) {
        Set<String> methods = allowed.computeIfAbsent(pathPattern, p -> new LinkedHashSet<>());
        methods.add(method.text());
        if (method == Method.GET) {
            // The edge answers HEAD as GET without the body.
            methods.add(Method.HEAD.text());
        }
        rules.route(method, pathPattern, handler);
        return this;
    }

    @Override
    public HttpRules register(HttpService... services) {
        rules.register(services);
        return this;
    }

    @Override
    public HttpRules register(String pathPattern, HttpService... services) {
        rules.register(pathPattern, services);
        return this;
    }

    @Override
    public HttpRules route(HttpRoute route) {
        rules.route(route);
        return this;
    }
}
