package dev.javelin.server.http;

import dev.javelin.server.scheduling.Inference;
import dev.javelin.server.scheduling.Timings;
import dev.javelin.server.scheduling.ServerMetrics;
import dev.javelin.server.scheduling.ClientConnection;
import dev.javelin.server.scheduling.ServerError;
import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * One route that runs the model: parses the body under the payload limit, watches the client while the
 * model works, writes the answer with TEI's timing headers, records TEI's metrics, and answers errors
 * in the API's own error shape.
 */
final class InferenceRoute implements Handler {
    /** How long a keep-alive connection may stay idle after an answer before it is closed. */
    private static final Duration KEEP_ALIVE_IDLE = Duration.ofMinutes(5);

    /** TEI's error body: {@code {"error": "...", "error_type": "..."}}. */
    static final Function<ServerError, Object> TEI_ERRORS = e -> {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.getMessage());
        body.put("error_type", e.type().wireName());
        return body;
    };

    /** OpenAI's error body: {@code {"error": {"message", "type", "param", "code"}}}. */
    static final Function<ServerError, Object> OPENAI_ERRORS = e -> {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", e.getMessage());
        error.put("type", e.type().wireName());
        error.put("param", null);
        error.put("code", e.status());
        return Map.of("error", error);
    };

    /** What the route answers: the body, its costs, and TEI's request method label (single or batch). */
    record Reply(Object body, Timings timings, String method) {
    }

    /** The route's work on a parsed body, given the model and the client to watch. */
    @FunctionalInterface
    interface Work {
        Reply handle(Inference inference, JsonNode body, ClientConnection client);
    }

    private final ModelSlot model;
    private final long payloadLimit;
    private final ServerMetrics metrics;
    private final CompletableFuture<Void> shutdown;
    private final Work work;
    private final Function<ServerError, Object> errors;

    InferenceRoute(ModelSlot model, long payloadLimit, ServerMetrics metrics, CompletableFuture<Void> shutdown, Work work,
                   Function<ServerError, Object> errors) {
        this.model = model;
        this.payloadLimit = payloadLimit;
        this.metrics = metrics;
        this.shutdown = shutdown;
        this.work = work;
        this.errors = errors;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        ClientWatch watch = null;
        try {
            Inference inference = model.get();
            // Refused before the body is read or parsed: under overload a refusal must cost next to nothing.
            if (inference.saturated()) {
                throw ServerError.overloaded();
            }
            JsonNode body = JsonHttp.readJson(req, payloadLimit);
            watch = ClientWatch.startForCurrentRequest();
            Reply reply = work.handle(inference, body, watch);
            Timings t = reply.timings();
            metrics.requestSuccess(reply.method());
            metrics.requestTimings(t.totalNanos() / 1e9, t.tokenizationNanos() / 1e9, t.queueNanos() / 1e9,
                    t.inferenceNanos() / 1e9);
            JsonHttp.timingHeaders(res, t);
            JsonHttp.send(res, 200, reply.body());
        } catch (ServerError e) {
            metrics.requestFailure(e.failureLabel());
            JsonHttp.sendError(res, e, errors.apply(e));
        } finally {
            if (watch != null) {
                watch.release(!req.headers().contains(HeaderValues.CONNECTION_CLOSE), shutdown, KEEP_ALIVE_IDLE);
            }
        }
    }
}
